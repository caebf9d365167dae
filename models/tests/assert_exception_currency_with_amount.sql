-- The contract: an exception's currency is null exactly when its amount_impact is null.
select exception_id, rule_id, amount_impact, currency
from {{ ref('exceptions') }}
where (amount_impact is null) <> (currency is null)
