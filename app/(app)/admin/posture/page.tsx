import type { Metadata } from "next";
import { PostureItems } from "@/components/posture/posture-items";
import { ScoreHistory } from "@/components/posture/score-history";
import { StateBadge } from "@/components/posture/state-badge";
import { loadForPage, requirePagePermission } from "@/lib/gate";
import { evaluatePosture, postureHistory, presentItems, saveSnapshot } from "@/lib/posture";

export const metadata: Metadata = { title: "Security posture" };

/**
 * How well the organization is protected, in one view. audit:read (owners and admins by default):
 * like the Alerts page, it summarises the organization's security records for the people who watch
 * them; members and viewers get 403. Opening it also records today's score for the history.
 */
export default async function PosturePage() {
  const { session: ctx, db } = await requirePagePermission("audit:read");
  const organizationId = ctx.organization.id;
  const report = await loadForPage(() => evaluatePosture(db, organizationId, { operator: ctx.user.isOperator }));
  await loadForPage(() => saveSnapshot(db, organizationId, report));
  const history = await loadForPage(() => postureHistory(db, organizationId));
  const shown = presentItems(report.items, ctx.permissions);
  const scored = shown.filter((i) => !i.operatorOnly);
  const platform = shown.filter((i) => i.operatorOnly);

  return (
    <section aria-labelledby="posture-title">
      <h1 id="posture-title" className="text-2xl font-semibold">
        Security posture
      </h1>
      <p className="mt-1 mb-6 max-w-3xl text-sm text-slate-600">
        How well {ctx.organization.name} is protected right now. Each item earns its points when it is OK, half of them with a warning and none when failing; the
        score is their sum out of 100.
      </p>

      <div className="mb-8 grid gap-6 lg:grid-cols-[minmax(0,20rem)_1fr]">
        <section aria-labelledby="score-title" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="score-title" className="text-lg font-medium">
            Score
          </h2>
          <p className="mt-1 text-4xl font-semibold" data-testid="posture-score">
            {report.score}
            <span className="text-base font-normal text-slate-600"> of 100</span>
          </p>
          <table className="mt-3 w-full border-collapse text-sm" data-testid="posture-breakdown">
            <caption className="sr-only">Points per item</caption>
            <thead>
              <tr className="border-b text-left">
                <th scope="col" className="py-1">Item</th>
                <th scope="col" className="py-1">State</th>
                <th scope="col" className="py-1 text-right">Points</th>
              </tr>
            </thead>
            <tbody>
              {scored.map((i) => (
                <tr key={i.key} className="border-b">
                  <th scope="row" className="py-1 pr-2 text-left font-normal">{i.title}</th>
                  <td className="py-1 pr-2"><StateBadge state={i.state} /></td>
                  <td className="py-1 text-right">
                    {i.points}/{i.weight}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="history-title" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="history-title" className="text-lg font-medium">
            Score over the last 90 days
          </h2>
          <p className="mb-2 text-sm text-slate-600">One point a day (UTC): recorded when someone opens this page and by a daily job.</p>
          <ScoreHistory points={history} />
        </section>
      </div>

      <h2 className="mb-3 text-xl font-semibold">What was checked</h2>
      <PostureItems items={scored} label="Checked items" />

      {platform.length ? (
        <>
          <h2 className="mt-10 mb-1 text-xl font-semibold">Platform (operators)</h2>
          <p className="mb-3 text-sm text-slate-600">The same for every organization, so they do not count towards its score. Shown to ChargeKeep operators only.</p>
          <PostureItems items={platform} label="Platform items" />
        </>
      ) : null}
    </section>
  );
}
