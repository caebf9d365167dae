{#- Rounds once, to 2 decimals, half away from zero (docs/reconciliation-rules.md). Rounding a
    decimal does that on both warehouses; PostgreSQL rounds a double half to even. -#}
{% macro round2(expr) -%}
    cast(round(cast({{ expr }} as decimal(38, 8)), 2) as decimal(18, 2))
{%- endmacro %}

{#- The same for ratios (margin, burn, utilisation): 4 decimals, half away from zero. -#}
{% macro round4(expr) -%}
    cast(round(cast({{ expr }} as decimal(38, 8)), 4) as decimal(18, 4))
{%- endmacro %}

{#- A stable text key: md5 of the parts joined by '|' (md5 exists on both warehouses). -#}
{% macro hash_key(parts) -%}
    md5({% for part in parts %}coalesce(cast({{ part }} as varchar), ''){% if not loop.last %} || '|' || {% endif %}{% endfor %})
{%- endmacro %}

{#- Normalised name for matching: lower case, inner whitespace collapsed, trimmed. -#}
{% macro normalise_name(expr) -%}
    trim(regexp_replace(lower({{ expr }}), '\s+', ' ', 'g'))
{%- endmacro %}

{#- Orders text ids numerically when they are numeric (NetSuite, Kantata) without a cast. -#}
{% macro id_order(expr) -%}
    length({{ expr }}), {{ expr }}
{%- endmacro %}
