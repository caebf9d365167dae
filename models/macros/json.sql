{#- JSON in and out of SQL: the only place the two warehouses' spellings differ. -#}

{#- A text field of a JSON object column (`status ->> 'key'`). -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'pslink')(column, key)) }}
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    json_extract_string({{ column }}, '$.{{ key }}')
{%- endmacro %}

{% macro postgres__json_text(column, key) -%}
    (cast({{ column }} as jsonb) ->> '{{ key }}')
{%- endmacro %}

{#- Builds a JSON object from alternating key, value expressions: json_object(["'a'", "x"]). -#}
{% macro json_object(pairs) -%}
    {{ return(adapter.dispatch('json_object', 'pslink')(pairs)) }}
{%- endmacro %}

{% macro default__json_object(pairs) -%}
    json_object({{ pairs | join(', ') }})
{%- endmacro %}

{% macro postgres__json_object(pairs) -%}
    jsonb_build_object({{ pairs | join(', ') }})
{%- endmacro %}

{#- A JSON array of the given text expressions, nulls left out, order kept. -#}
{% macro json_compact_array(items) -%}
    {{ return(adapter.dispatch('json_compact_array', 'pslink')(items)) }}
{%- endmacro %}

{% macro default__json_compact_array(items) -%}
    to_json(list_filter([{{ items | join(', ') }}], lambda x: x is not null))
{%- endmacro %}

{% macro postgres__json_compact_array(items) -%}
    to_jsonb(array_remove(array[{{ items | join(', ') }}]::text[], null))
{%- endmacro %}

{#- Aggregate: a JSON array of `expr` ordered by `order_by`. -#}
{% macro json_agg_ordered(expr, order_by) -%}
    {{ return(adapter.dispatch('json_agg_ordered', 'pslink')(expr, order_by)) }}
{%- endmacro %}

{% macro default__json_agg_ordered(expr, order_by) -%}
    to_json(list({{ expr }} order by {{ order_by }}))
{%- endmacro %}

{% macro postgres__json_agg_ordered(expr, order_by) -%}
    jsonb_agg({{ expr }} order by {{ order_by }})
{%- endmacro %}

{#- The elements of a JSON array of text, as a table usable in `cross join`:
    `cross join {{ json_text_elements('w.workspace_group_ids', 'g', 'group_id') }}`. -#}
{% macro json_text_elements(column, alias, name) -%}
    {{ return(adapter.dispatch('json_text_elements', 'pslink')(column, alias, name)) }}
{%- endmacro %}

{% macro default__json_text_elements(column, alias, name) -%}
    unnest(from_json({{ column }}, '["VARCHAR"]')) as {{ alias }}({{ name }})
{%- endmacro %}

{% macro postgres__json_text_elements(column, alias, name) -%}
    jsonb_array_elements_text(cast({{ column }} as jsonb)) as {{ alias }}({{ name }})
{%- endmacro %}
