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

{#- Normalised name for matching: lower case, runs of white space as one space, trimmed. White space
    is Unicode's, as JavaScript's \s reads it: the regular expressions' \s differ (DuckDB's is ASCII
    without the vertical tab, PostgreSQL's follows the locale and leaves out the no-break space), so
    the other spaces (vertical tab, no-break, Ogham, U+2000–U+200A, line and paragraph separators,
    narrow no-break, medium mathematical, ideographic, zero-width no-break) are made plain spaces
    first. -#}
{% macro normalise_name(expr) -%}
    {%- set spaces = [11, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202,
                      8232, 8233, 8239, 8287, 12288, 65279] -%}
    trim(regexp_replace(
        lower(translate({{ expr }}, {% for code in spaces %}chr({{ code }}){% if not loop.last %} || {% endif %}{% endfor %}, repeat(' ', {{ spaces | length }}))),
        '\s+', ' ', 'g'
    ))
{%- endmacro %}

{#- Orders text ids numerically when they are numeric (NetSuite, Kantata) without a cast. -#}
{% macro id_order(expr) -%}
    length({{ expr }}), {{ expr }}
{%- endmacro %}
