{#- The one table BI and stewards read: every exception of rules R01–R15, kept across runs.
    A rule's row keeps its first_detected_at while it is seen; one no longer seen is resolved
    (resolved_at = the run that missed it); one seen again reopens with its original
    first_detected_at, so an exception's age is the time since it was first found. -#}
{{ config(materialized='incremental', unique_key='exception_id') }}

{%- set rule_models = [
    'int_recon__r01_approved_time_not_posted',
    'int_recon__r02_posted_time_mismatch',
    'int_recon__r03_posting_without_approval',
    'int_recon__r04_duplicate_posting',
    'int_recon__r05_project_missing_in_erp',
    'int_recon__r06_project_master_mismatch',
    'int_recon__r07_won_deal_without_project',
    'int_recon__r08_customer_master_mismatch',
    'int_recon__r09_terminated_worker_active',
    'int_recon__r10_cost_rate_mismatch',
    'int_recon__r11_unbilled_time_aging',
    'int_recon__r12_invoice_amount_mismatch',
    'int_recon__r13_milestone_not_invoiced',
    'int_recon__r14_contract_value_mismatch',
    'int_recon__r15_closed_period_posting'
] %}

with

detected as (

    {% for rule_model in rule_models %}
    select
        rule_id,
        severity,
        domain,
        canonical_id,
        systems,
        details,
        amount_impact,
        currency,
        hours_impact
    from {{ ref(rule_model) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

seen as (

    select
        {{ hash_key(['rule_id', 'canonical_id']) }} as exception_id,
        detected.*,
        {{ run_timestamp() }} as run_at

    from detected

),

{% if is_incremental() %}

previous as (

    select * from {{ this }}

),

still_or_again_open as (

    select
        seen.exception_id,
        seen.rule_id,
        seen.severity,
        seen.domain,
        seen.canonical_id,
        seen.systems,
        seen.details,
        seen.amount_impact,
        seen.currency,
        seen.hours_impact,
        coalesce(previous.first_detected_at, seen.run_at) as first_detected_at,
        seen.run_at as last_seen_at,
        cast(null as timestamptz) as resolved_at,
        'open' as status

    from seen
    left join previous
        on previous.exception_id = seen.exception_id

),

newly_resolved as (

    select
        previous.exception_id,
        previous.rule_id,
        previous.severity,
        previous.domain,
        previous.canonical_id,
        previous.systems,
        previous.details,
        previous.amount_impact,
        previous.currency,
        previous.hours_impact,
        previous.first_detected_at,
        previous.last_seen_at,
        {{ run_timestamp() }} as resolved_at,
        'resolved' as status

    from previous
    left join seen
        on seen.exception_id = previous.exception_id
    where previous.status = 'open'
        and seen.exception_id is null

),

final as (

    select * from still_or_again_open
    union all
    select * from newly_resolved

)

{% else %}

final as (

    select
        exception_id,
        rule_id,
        severity,
        domain,
        canonical_id,
        systems,
        details,
        amount_impact,
        currency,
        hours_impact,
        run_at as first_detected_at,
        run_at as last_seen_at,
        cast(null as timestamptz) as resolved_at,
        'open' as status

    from seen

)

{% endif %}

select * from final
