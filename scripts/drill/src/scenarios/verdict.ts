import { audit } from '../audit.js';
import type { Drill, DrillUser, Row } from '../drill.js';

/** Audits the scenario's users and accepted tasks into one table row. */
export async function verdict(
  drill: Drill,
  input: {
    scenario: string;
    expected: string;
    accepted: readonly string[];
    users: readonly DrillUser[];
    /** What else the scenario saw (answers, exit codes), and whether that matched. */
    notes?: string;
    notesOk?: boolean;
  },
): Promise<Row> {
  const report = await audit(
    drill.direct,
    input.accepted,
    input.users.map((user) => user.id),
  );
  const total = new Set(input.accepted).size;
  const parts = [`${report.completed}/${total} completed once`];
  if (report.ledgerMismatches > 0) parts.push(`${report.ledgerMismatches} balances off`);
  if (input.notes) parts.push(input.notes);
  return {
    scenario: input.scenario,
    expected: input.expected,
    observed: parts.join('; '),
    lost: report.lost,
    duplicated: report.duplicated,
    pass:
      report.lost === 0 &&
      report.duplicated === 0 &&
      report.ledgerMismatches === 0 &&
      report.completed === total &&
      (input.notesOk ?? true),
  };
}
