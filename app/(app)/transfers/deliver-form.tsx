"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form";
import { deliverAuditLogAction, deliverTransactionsAction } from "./actions";

/** "Deliver to outbox" buttons; each asks for a recent second factor ("Verify now" when due). */
export function DeliverButtons({ transactions, auditLog }: { transactions: boolean; auditLog: boolean }) {
  const [txState, deliverTx] = useActionState(deliverTransactionsAction, undefined);
  const [auditState, deliverAudit] = useActionState(deliverAuditLogAction, undefined);
  return (
    <div className="flex flex-col gap-2">
      <FormMessage state={txState ?? auditState} />
      <div className="flex gap-2">
        {transactions ? (
          <form action={deliverTx} aria-label="Deliver all transactions as CSV to your outbox">
            <SubmitButton variant="secondary">Deliver transactions CSV to outbox</SubmitButton>
          </form>
        ) : null}
        {auditLog ? (
          <form action={deliverAudit} aria-label="Deliver the audit log to your outbox">
            <SubmitButton variant="secondary">Deliver audit log to outbox</SubmitButton>
          </form>
        ) : null}
      </div>
    </div>
  );
}
