{#- Plain schema names (staging, canonical, ...) instead of dbt's `<target schema>_<custom>`:
    BI tools and the CLI read `reconciliation.exceptions`, whatever the target's own schema is. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}
    {%- endif -%}
{%- endmacro %}
