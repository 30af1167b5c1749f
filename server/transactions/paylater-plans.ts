/** The plans every fake paylater offers; the interest rates are illustrative, not any provider's tariff. */
export interface PaylaterPlan {
  id: string;
  months: number;
  /** Monthly interest as a fraction of the order amount. */
  monthlyRate: number;
  label: { id: string; en: string };
}

export const PAYLATER_PLANS: readonly PaylaterPlan[] = [
  { id: '30_days', months: 1, monthlyRate: 0, label: { id: 'Bayar dalam 30 hari', en: 'Pay in 30 days' } },
  { id: '3_months', months: 3, monthlyRate: 0.026, label: { id: 'Cicilan 3 bulan', en: '3-month instalments' } },
  { id: '6_months', months: 6, monthlyRate: 0.026, label: { id: 'Cicilan 6 bulan', en: '6-month instalments' } },
  { id: '12_months', months: 12, monthlyRate: 0.026, label: { id: 'Cicilan 12 bulan', en: '12-month instalments' } },
];

export function monthlyInstalment(plan: PaylaterPlan, amount: number): number {
  return Math.ceil((amount * (1 + plan.monthlyRate * plan.months)) / plan.months);
}
