/**
 * PostgREST's query-string grammar, for the parts the Headless worker and Reigh use: a select
 * list, horizontal filters (`col=op.value`, `not.`, `or=(…)`, `and=(…)`, nested), `order`,
 * `limit` / `offset`. It only parses: names are checked against the table's columns when the SQL
 * is built (rest-sql.ts). Hand-written because no maintained npm package parses PostgREST query
 * strings on a server (the published ones build them on the client side).
 */
import { PostgrestError } from '../rpc/postgrest-error.js';

export const FILTER_OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'in',
  'is',
  'cs',
  'cd',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** A column, or a JSON path into one: `params->orchestrator_task_id_ref`, `params->>prompt`. */
export interface Field {
  column: string;
  /** Keys after the column; the last arrow decides text (`->>`) or jsonb (`->`). */
  path: string[];
  asText: boolean;
}

export interface SelectItem {
  field: Field;
  alias: string | null;
}

export type Condition =
  | { kind: 'filter'; field: Field; operator: FilterOperator; negated: boolean; value: FilterValue }
  | { kind: 'logic'; operator: 'and' | 'or'; negated: boolean; conditions: Condition[] };

export type FilterValue =
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'is'; value: 'null' | 'not_null' | 'true' | 'false' | 'unknown' };

export interface OrderTerm {
  field: Field;
  descending: boolean;
  nulls: 'first' | 'last' | null;
}

export interface ReadQuery {
  /** null: `*` (or no select parameter). */
  select: SelectItem[] | null;
  where: Condition[];
  order: OrderTerm[];
  limit: number | null;
  offset: number;
}

/** PGRST100: what PostgREST answers for a query string it cannot parse. */
export function parseError(message: string, details: string | null = null): PostgrestError {
  return new PostgrestError(400, { code: 'PGRST100', message, details, hint: null });
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const JSON_KEY = /^[A-Za-z0-9_$ -]{1,100}$/;

export function parseField(text: string): Field {
  const parts = text.trim().split(/(->>|->)/);
  const column = parts[0] ?? '';
  if (!NAME.test(column)) throw parseError(`"failed to parse field" "${text}"`);
  const path: string[] = [];
  let asText = false;
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i + 1] ?? '';
    if (!JSON_KEY.test(key)) throw parseError(`"failed to parse json path" "${text}"`);
    path.push(key);
    asText = parts[i] === '->>';
  }
  return { column, path, asText };
}

/** Splits on commas outside parentheses and double quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '\\' && quoted && i + 1 < text.length) {
      current += ch + text[i + 1];
      i += 1;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth += 1;
    else if (!quoted && ch === ')') depth -= 1;
    if (depth < 0) throw parseError(`"unbalanced parentheses" "${text}"`);
    if (ch === ',' && depth === 0 && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0 || quoted) throw parseError(`"unbalanced parentheses or quotes" "${text}"`);
  parts.push(current);
  return parts;
}

function unquote(item: string): string {
  const trimmed = item.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return trimmed;
}

export function parseSelect(text: string | undefined): SelectItem[] | null {
  if (text === undefined || text.trim() === '' || text.trim() === '*') return null;
  const items: SelectItem[] = [];
  for (const raw of splitTopLevel(text)) {
    const item = raw.trim();
    if (item === '*') return null;
    if (item.includes('(')) {
      // Embedded resources (`shots(name)`) and aggregates: relationships are not served.
      const name = item.slice(0, item.indexOf('('));
      throw new PostgrestError(400, {
        code: 'PGRST200',
        message: `Could not find a relationship for '${name}' in the schema cache`,
        details: 'embedded resources are not served by this /rest/v1',
        hint: 'select the columns of each table with its own request',
      });
    }
    const colon = item.match(/^([A-Za-z_][A-Za-z0-9_]*):(?!:)(.+)$/);
    const alias = colon ? colon[1]! : null;
    const fieldText = colon ? colon[2]! : item;
    if (fieldText.includes('::')) throw parseError(`"casts are not served" "${item}"`);
    items.push({ field: parseField(fieldText), alias });
  }
  return items;
}

function parseValue(operator: FilterOperator, text: string): FilterValue {
  if (operator === 'in') {
    if (!text.startsWith('(') || !text.endsWith(')')) {
      throw parseError(`"failed to parse filter (in.${text})"`, 'in takes a list: in.(a,b,c)');
    }
    const inner = text.slice(1, -1);
    return { kind: 'list', items: inner === '' ? [] : splitTopLevel(inner).map(unquote) };
  }
  if (operator === 'is') {
    const value = text.toLowerCase();
    if (
      value === 'null' ||
      value === 'not_null' ||
      value === 'true' ||
      value === 'false' ||
      value === 'unknown'
    ) {
      return { kind: 'is', value };
    }
    throw parseError(
      `"failed to parse filter (is.${text})"`,
      'is takes null, not_null, true, false or unknown',
    );
  }
  return { kind: 'text', text };
}

/** `op.value` or `not.op.value` after the field. */
function parseOperation(field: Field, text: string): Condition {
  let rest = text;
  let negated = false;
  if (rest.startsWith('not.')) {
    negated = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const operator = (dot < 0 ? rest : rest.slice(0, dot)) as FilterOperator;
  if (dot < 0 || !FILTER_OPERATORS.includes(operator)) {
    throw parseError(
      `"failed to parse filter (${text})"`,
      `operators served: ${FILTER_OPERATORS.join(', ')}`,
    );
  }
  return { kind: 'filter', field, operator, negated, value: parseValue(operator, rest.slice(dot + 1)) };
}

/** `(a.eq.1,b.gt.2,and(c.is.null,d.lt.3))`: the inside of an or / and. */
function parseLogicList(text: string): Condition[] {
  if (!text.startsWith('(') || !text.endsWith(')')) {
    throw parseError(`"failed to parse logic tree (${text})"`, 'expected (condition,condition,...)');
  }
  return splitTopLevel(text.slice(1, -1)).map((item) => parseLogicItem(item.trim()));
}

function parseLogicItem(item: string): Condition {
  const logic = item.match(/^(not\.)?(and|or)(\(.*\))$/s);
  if (logic) {
    return {
      kind: 'logic',
      operator: logic[2] as 'and' | 'or',
      negated: Boolean(logic[1]),
      conditions: parseLogicList(logic[3]!),
    };
  }
  // field.op.value, the field possibly a JSON path (its keys hold no dots).
  const dot = item.indexOf('.');
  if (dot <= 0) throw parseError(`"failed to parse logic tree" "${item}"`);
  return parseOperation(parseField(item.slice(0, dot)), item.slice(dot + 1));
}

export function parseOrder(text: string | undefined): OrderTerm[] {
  if (text === undefined || text === '') return [];
  return splitTopLevel(text).map((raw) => {
    const [fieldText, ...modifiers] = raw.trim().split('.');
    const term: OrderTerm = { field: parseField(fieldText ?? ''), descending: false, nulls: null };
    for (const modifier of modifiers) {
      if (modifier === 'asc') term.descending = false;
      else if (modifier === 'desc') term.descending = true;
      else if (modifier === 'nullsfirst') term.nulls = 'first';
      else if (modifier === 'nullslast') term.nulls = 'last';
      else
        throw parseError(`"failed to parse order (${raw})"`, 'modifiers: asc, desc, nullsfirst, nullslast');
    }
    return term;
  });
}

function parseCount(name: string, text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  if (!/^\d{1,9}$/.test(text)) throw parseError(`"failed to parse ${name} parameter (${text})"`);
  return Number(text);
}

const RESERVED = new Set([
  'select',
  'order',
  'limit',
  'offset',
  'or',
  'and',
  'not.or',
  'not.and',
  'columns',
  'on_conflict',
]);

/** The whole query string, in order; a repeated parameter is one more condition (AND). */
export function parseReadQuery(params: URLSearchParams): ReadQuery {
  const where: Condition[] = [];
  for (const [key, value] of params) {
    if (key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and') {
      const negated = key.startsWith('not.');
      const operator = (negated ? key.slice(4) : key) as 'and' | 'or';
      where.push({ kind: 'logic', operator, negated, conditions: parseLogicList(value) });
    } else if (!RESERVED.has(key)) {
      where.push(parseOperation(parseField(key), value));
    }
  }
  const selects = params.getAll('select');
  const orders = params.getAll('order');
  return {
    select: parseSelect(selects.at(-1)),
    where,
    order: parseOrder(orders.at(-1)),
    limit: parseCount('limit', params.get('limit') ?? undefined),
    offset: parseCount('offset', params.get('offset') ?? undefined) ?? 0,
  };
}
