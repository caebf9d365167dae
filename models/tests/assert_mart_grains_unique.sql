-- One row per project and month in project financials, per worker and month in utilisation.
select 'project_financials_monthly' as mart, project_id as id, month_start, count(*) as row_count
from {{ ref('project_financials_monthly') }}
group by project_id, month_start
having count(*) > 1

union all

select 'utilisation' as mart, worker_id as id, month_start, count(*) as row_count
from {{ ref('utilisation') }}
group by worker_id, month_start
having count(*) > 1
