{#- The project's vars, checked before anything runs (dbt_project.yml's on-run-start, in the
    embedded runner and in dbt-core alike): a bad --vars value would otherwise fail some models
    with a warehouse error, or quietly mean something else in the SQL it is written into. Renders
    nothing when every var is good; raises one error listing every bad var otherwise. -#}
{% macro check_vars() -%}
    {%- set problems = [] -%}
    {%- set as_of = var('as_of_date', '') ~ '' -%}
    {%- if as_of != '' and not is_iso_date(as_of) -%}
        {%- set _ = problems.append("as_of_date must be a date as YYYY-MM-DD (or empty for today), got '" ~ as_of ~ "'") -%}
    {%- endif -%}
    {%- set run_at = var('run_at', '') ~ '' -%}
    {%- if run_at != '' and not is_iso_timestamp(run_at) -%}
        {%- set _ = problems.append("run_at must be a timestamp as YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM] (or empty for now), got '" ~ run_at ~ "'") -%}
    {%- endif -%}
    {%- for name in ['r01_grace_days', 'r07_days', 'r11_unbilled_days', 'r13_grace_days'] -%}
        {%- set value = var(name) -%}
        {%- if not is_plain_number(value, whole=true) -%}
            {%- set _ = problems.append(name ~ " must be a whole number of days (0 or more), got '" ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in ['r02_hours_tolerance', 'r06_budget_tolerance', 'r10_rate_tolerance', 'r12_tolerance', 'r14_tolerance'] -%}
        {%- set value = var(name) -%}
        {%- if not is_plain_number(value, whole=false) -%}
            {%- set _ = problems.append(name ~ " must be a number (0 or more, like 0.01), got '" ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set field = var('kantata_customer_name_field_id') -%}
    {%- if not is_plain_number(field, whole=true) -%}
        {%- set _ = problems.append("kantata_customer_name_field_id must be a Kantata custom field id (digits), got '" ~ field ~ "'") -%}
    {%- endif -%}
    {%- if problems | length > 0 -%}
        {{ exceptions.raise_compiler_error("invalid vars: " ~ problems | join("; ")) }}
    {%- endif -%}
{%- endmacro %}

{#- Whether `text` is only ASCII digits (at least one). -#}
{% macro is_digits(text) -%}
    {{ return(text | length > 0 and text.strip('0123456789') == '') }}
{%- endmacro %}

{#- A number written plainly (digits, and one decimal point unless `whole`; an exponent such as
    `1e-05` too unless `whole`, which is how Python and JavaScript write small numbers), not
    negative, not true/false (which Python's Jinja counts as numbers). -#}
{% macro is_plain_number(value, whole) -%}
    {%- if value is sameas(true) or value is sameas(false) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set halves = (value ~ '').lower().split('e') -%}
    {%- if halves | length == 2 and not whole -%}
        {#- digits after one sign at most -#}
        {%- set digits = halves[1].lstrip('+-') -%}
        {{ return(is_plain_number(halves[0], false) and is_digits(digits) and (halves[1] | length) - (digits | length) <= 1) }}
    {%- endif -%}
    {%- set parts = (value ~ '').split('.') -%}
    {%- if whole -%}
        {{ return(parts | length == 1 and is_digits(parts[0])) }}
    {%- endif -%}
    {{ return(parts | length <= 2 and is_digits(parts[0]) and (parts | length == 1 or is_digits(parts[1]))) }}
{%- endmacro %}

{#- Whether `text` is a real calendar date written YYYY-MM-DD. -#}
{% macro is_iso_date(text) -%}
    {%- set parts = text.split('-') -%}
    {%- if parts | length != 3 or parts[0] | length != 4 or parts[1] | length != 2 or parts[2] | length != 2 -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if not (is_digits(parts[0]) and is_digits(parts[1]) and is_digits(parts[2])) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set year = parts[0] | int -%}
    {%- set month = parts[1] | int -%}
    {%- set day = parts[2] | int -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(year >= 1 and month >= 1 and month <= 12 and day >= 1 and day <= month_days[month - 1]) }}
{%- endmacro %}

{#- Whether `text` is a date-time: YYYY-MM-DD, then T or a space, then HH:MM with optional :SS
    and fraction, then optionally Z or a ±HH:MM offset. -#}
{% macro is_iso_timestamp(text) -%}
    {%- set sep = 'T' if 'T' in text else ' ' -%}
    {%- set halves = text.split(sep) -%}
    {%- if halves | length != 2 or not is_iso_date(halves[0]) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set clock = halves[1] -%}
    {%- set zone = '' -%}
    {%- if clock.endswith('Z') -%}
        {%- set clock = clock.split('Z')[0] -%}
        {%- set zone = 'Z' if halves[1].split('Z') | length == 2 else 'bad' -%}
    {%- elif '+' in clock or clock.split('-') | length == 2 -%}
        {%- set sign = '+' if '+' in clock else '-' -%}
        {%- set zone = clock.split(sign)[1] if clock.split(sign) | length == 2 else 'bad' -%}
        {%- set clock = clock.split(sign)[0] -%}
    {%- endif -%}
    {%- if zone not in ['', 'Z'] and not (zone | length in [2, 4, 5] and is_digits(zone.replace(':', ''))) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set fraction = clock.split('.') -%}
    {%- set fields = fraction[0].split(':') -%}
    {%- if fraction | length > 2 or (fraction | length == 2 and not is_digits(fraction[1])) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if fields | length < 2 or fields | length > 3 -%}
        {{ return(false) }}
    {%- endif -%}
    {%- for field in fields -%}
        {%- if field | length != 2 or not is_digits(field) -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(fields[0] | int <= 23 and fields[1] | int <= 59 and (fields | length == 2 or fields[2] | int <= 59)) }}
{%- endmacro %}
