{#- The business date ageing rules count from: var('as_of_date'), or today when it is empty. -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', '') -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        current_date
    {%- endif -%}
{%- endmacro %}

{#- Whole days from `date_expr` to the as-of date (date minus date is an integer on both warehouses). -#}
{% macro age_days(date_expr) -%}
    ({{ as_of_date() }} - {{ date_expr }})
{%- endmacro %}

{#- The run's timestamp, stamped on first_detected_at / last_seen_at / resolved_at.
    var('run_at') pins it (tests, backfills); otherwise dbt's run_started_at. -#}
{% macro run_timestamp() -%}
    {%- if var('run_at', '') -%}
        cast('{{ var("run_at") }}' as timestamptz)
    {%- else -%}
        cast('{{ run_started_at.isoformat() }}' as timestamptz)
    {%- endif -%}
{%- endmacro %}

{#- First day of the month holding `date_expr`, as a date on both warehouses. -#}
{% macro month_start(date_expr) -%}
    cast(date_trunc('month', {{ date_expr }}) as date)
{%- endmacro %}
