import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";

export type BalancePoint = { currency: string; month: string; balanceMinor: string };

/**
 * Total balance per currency at the end of each month from `from`'s month to the current one (the
 * current month's point is the balance now). Per account, a month's figure is the last balance the
 * app stored that month (bank_balances, written at every sync); for months before the app stored
 * any, it is worked back from the account's current balance less the posted transactions booked
 * after that month. Active accounts of the organization only; sums in bigint minor units as text.
 */
export async function balanceTrend(db: Database, organizationId: string, opts: { from: string; today: string; accountIds?: string[] }): Promise<BalancePoint[]> {
  const ids = (opts.accountIds ?? []).map((id) => id.toLowerCase());
  const accountFilter = ids.length ? sql`and a.id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})` : sql``;
  const rows = await queryRows<{ currency: string; month: string; balance: string }>(
    db,
    sql`with months as (
          select generate_series(date_trunc('month', ${opts.from}::date), date_trunc('month', ${opts.today}::date), interval '1 month')::date as m
        ),
        accts as (
          select a.id, a.currency, a.current_balance_minor as cur from bank_accounts a
          where a.organization_id = ${organizationId}::uuid and a.inactive_at is null and a.current_balance_minor is not null ${accountFilter}
        ),
        net as (
          select t.account_id, date_trunc('month', t.booked_on::timestamp)::date as m, sum(t.amount_minor) as s
          from bank_transactions t join accts on accts.id = t.account_id
          where t.organization_id = ${organizationId}::uuid and t.status = 'posted' and t.booked_on >= date_trunc('month', ${opts.from}::date)::date
          group by 1, 2
        ),
        grid as (
          select a.id, a.currency, a.cur, mo.m,
                 coalesce(sum(coalesce(n.s, 0)) over (partition by a.id order by mo.m desc rows between unbounded preceding and 1 preceding), 0) as later
          from accts a cross join months mo left join net n on n.account_id = a.id and n.m = mo.m
        )
        select g.currency, to_char(g.m, 'YYYY-MM') as month,
               sum(coalesce(
                 (select b.current_minor from bank_balances b
                  where b.organization_id = ${organizationId}::uuid and b.account_id = g.id and b.as_of >= g.m and b.as_of < (g.m + interval '1 month')::date
                  order by b.as_of desc limit 1),
                 g.cur - g.later))::text as balance
        from grid g
        group by g.currency, g.m
        order by g.currency, g.m`,
  );
  return rows.map((r) => ({ currency: r.currency, month: r.month, balanceMinor: r.balance }));
}
