{#- Reference FX rates for converting amounts between currencies, dated: the `fx_rates` seed
    (seeds/fx_rates.csv) gives each currency's value in USD from a month on (`valid_from`, the
    first of a month), until the currency's next row. They are crossed into every pair, with a new
    pair rate wherever either currency's changes; `valid_to` is exclusive, null while in force.
    Join with the `fx_rate_in_force` macro. A date before a currency's first row has no rate. The
    shipped rates are planning rates, not a market feed: put your treasury's month rates in the
    seed (`pslink build` loads it with the models). -#}
with

usd_rates as (

    select
        currency,
        usd_rate,
        valid_from,
        lead(valid_from) over (partition by currency order by valid_from) as valid_to

    from {{ ref('fx_rates') }}

),

change_dates as (

    select distinct valid_from as changed_on from usd_rates

),

pair_rates as (

    select
        from_rates.currency as from_currency,
        to_rates.currency as to_currency,
        change_dates.changed_on as valid_from,
        cast(from_rates.usd_rate / to_rates.usd_rate as decimal(18, 8)) as rate

    from change_dates
    inner join usd_rates as from_rates
        on {{ fx_rate_in_force('from_rates', 'change_dates.changed_on') }}
    inner join usd_rates as to_rates
        on {{ fx_rate_in_force('to_rates', 'change_dates.changed_on') }}

),

final as (

    select
        from_currency,
        to_currency,
        valid_from,
        lead(valid_from) over (
            partition by from_currency, to_currency order by valid_from
        ) as valid_to,
        rate

    from pair_rates

)

select * from final
