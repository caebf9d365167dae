{#- Every FX rate is a positive number: int_finance__fx_rates divides by them. -#}
select currency, usd_rate
from {{ ref('fx_rates') }}
where usd_rate <= 0
