{#- True for the int_finance__fx_rates row (`rates` is its alias) in force on `date_expr`. Rates
    change on the first of a month, so every day of a month converts at that month's rate. -#}
{% macro fx_rate_in_force(rates, date_expr) -%}
    {{ rates }}.valid_from <= {{ date_expr }}
    and ({{ rates }}.valid_to is null or {{ date_expr }} < {{ rates }}.valid_to)
{%- endmacro %}
