import type { ApiVersion, PaymentModel } from "../vocabulary";
import { apiVersions, paymentModels } from "../vocabulary";
import { ruleTable, type ResourceRule } from "./ruleTable";

export interface ParsedResource {
  /** No leading or trailing slash, no query; key syntax such as `mailFolders('Inbox')` kept as written. */
  path: string;
  /** Query parameters as written after `?` (`$filter`, `$select`, `model`, ...), values decoded. */
  query: Record<string, string>;
  model?: PaymentModel;
  usesMe: boolean;
}

export interface RuleMatch {
  rule: ResourceRule;
  parsed: ParsedResource;
  /** The row template that matched, as written in the table. */
  template: string;
  /** Query parameters the template requires but the resource lacks (e.g. presence's `$filter`). */
  missingQuery: readonly string[];
}

type Parse = { ok: true; value: ParsedResource } | { ok: false; reason: string };

/**
 * Graph wants the path relative to the version root ("Don't include the base URL", subscription
 * resource page), so a full URL or a leading version segment is refused with the path to write instead.
 */
export function parseResource(resource: string): Parse {
  const trimmed = resource.trim();
  const [rawPath = "", ...rest] = trimmed.split("?");
  const rawQuery = rest.join("?");

  const url = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(.*)$/i.exec(rawPath);
  const withoutHost = stripSlashes(url ? (url[1] ?? "") : rawPath);
  const [first = "", ...after] = withoutHost.split("/");
  const version = apiVersions.find((known) => known.toLowerCase() === first.toLowerCase());
  if (url || version) {
    const relative = version ? after.join("/") : withoutHost;
    const suggestion = relative + (rawQuery ? `?${rawQuery}` : "");
    const versionHint = version ? ` and set apiVersion: "${version}" if you need that version` : "";
    return {
      ok: false,
      reason:
        `'${resource}' includes the ${url ? "host and " : ""}API version; Graph wants the path relative to the version root. ` +
        `Drop them: write '${suggestion || "users/{id}/messages"}'${versionHint}`,
    };
  }

  const path = withoutHost;
  if (path.length === 0) {
    return { ok: false, reason: `'${resource}' has no path; name the Graph resource to watch, for example users/{id}/messages` };
  }
  // An empty segment (users//messages) is a missing id, not a shorter path: Graph would not read it as users/{id}.
  if (splitOutsideQuotes(path).some((segment) => segment.trim().length === 0)) {
    return { ok: false, reason: `'${resource}' has an empty path segment (//); fill in the missing id, for example users/{id}/messages` };
  }
  // "me" stands for users/{id} only as the start of a longer path; no row documents the signed-in user alone.
  if (/^me$/i.test(path)) {
    return { ok: false, reason: `'${resource}' names only the signed-in user; subscribe to a resource under it, such as me/messages, or to users/{id} for the user object` };
  }

  const query: Record<string, string> = {};
  for (const pair of rawQuery.split("&").filter((part) => part.length > 0)) {
    const at = pair.indexOf("=");
    const key = at === -1 ? pair : pair.slice(0, at);
    const value = at === -1 ? "" : pair.slice(at + 1);
    query[decodeLeniently(key)] = decodeLeniently(value);
  }

  const modelKey = Object.keys(query).find((key) => key.toLowerCase() === "model");
  let model: PaymentModel | undefined;
  if (modelKey !== undefined) {
    const value = (query[modelKey] ?? "").toUpperCase();
    if (!(paymentModels as readonly string[]).includes(value)) {
      return {
        ok: false,
        reason: `'${resource}' asks for payment model '${query[modelKey]}'; Teams payment models are model=A or model=B (or leave model out for evaluation mode)`,
      };
    }
    model = value as PaymentModel;
  }

  return { ok: true, value: { path, query, ...(model ? { model } : {}), usesMe: (segmentsOf(path)[0] ?? "") === "me" } };
}

/** The best row for `resource` in `apiVersion`, or undefined when no template matches. */
export function matchRule(resource: string, apiVersion: ApiVersion): RuleMatch | undefined {
  return matchRules(resource, apiVersion)[0];
}

/**
 * Every row whose template matches with the best specificity. Several rows can tie when the docs list
 * one path under different permission types (driveItem on a personal OneDrive versus OneDrive for
 * work or school); the caller picks by permission type. `rows`: the table to search (the emulator adds the rows
 * of resources Graph serves ahead of the table).
 */
export function matchRules(resource: string, apiVersion: ApiVersion, rows: readonly ResourceRule[] = ruleTable): RuleMatch[] {
  const parsed = parseResource(resource);
  if (!parsed.ok) return [];
  const segments = canonicalSegments(parsed.value.path);
  let best: { score: readonly number[]; matches: RuleMatch[] } | undefined;
  for (const rule of rows) {
    if (rule.apiVersion !== apiVersion) continue;
    for (const template of rule.paths) {
      const compiled = compiledTemplate(template);
      const score = scoreMatch(compiled.segments, segments);
      if (score === undefined) continue;
      const presentKeys = Object.keys(parsed.value.query).map((key) => key.toLowerCase());
      const match: RuleMatch = {
        rule,
        parsed: parsed.value,
        template,
        missingQuery: compiled.requiredQuery.filter((key) => !presentKeys.includes(key.toLowerCase())),
      };
      const order = best === undefined ? 1 : compareScores(score, best.score);
      if (order > 0) best = { score, matches: [match] };
      else if (order === 0 && best) {
        const same = best.matches.findIndex((existing) => existing.rule === rule);
        if (same === -1) best.matches.push(match);
        // Report the template spelled like the resource (me/... for me/..., users/{id}/... otherwise).
        else if (startsWithMe(template) === parsed.value.usesMe && startsWithMe(best.matches[same]!.template) !== parsed.value.usesMe) {
          best.matches[same] = match;
        }
      }
    }
  }
  return best?.matches ?? [];
}

/** What Graph compares for 409 duplicates: the path and query without `model=`, case-insensitive. */
export function resourceIdentity(resource: string): string {
  const parsed = parseResource(resource);
  if (!parsed.ok) return resource.trim().toLowerCase();
  const query = Object.entries(parsed.value.query)
    .filter(([key]) => key.toLowerCase() !== "model")
    .map(([key, value]) => (value === "" ? key : `${key}=${value}`))
    .join("&");
  return (parsed.value.path + (query ? `?${query}` : "")).toLowerCase();
}

/** Template paths of one API version, for "did you mean" suggestions. */
export function templatesOf(apiVersion: ApiVersion): string[] {
  return ruleTable.filter((rule) => rule.apiVersion === apiVersion).flatMap((rule) => rule.paths);
}

// ---------------------------------------------------------------------------------------------

const WILDCARD = "\u0000";
/** Stands for the signed-in user, so `me/...` can match `users/{id}/...` and vice versa. */
const SIGNED_IN_USER = "\u0001me";

interface CompiledTemplate {
  segments: string[];
  requiredQuery: string[];
}

function compiledTemplate(template: string): CompiledTemplate {
  return compiledTemplates.get(template) ?? compileTemplate(template);
}

function compileTemplate(template: string): CompiledTemplate {
  const [path = "", query = ""] = template.split("?");
  // A template's own `me` accepts any user, so `me/...` rows also match `users/{id}/...` resources.
  const segments = canonicalSegments(stripSlashes(path)).map((segment) =>
    /^\{.*\}$/.test(segment) || segment === SIGNED_IN_USER ? WILDCARD : segment,
  );
  const requiredQuery = query
    .split("&")
    .filter((part) => part.length > 0)
    .map((part) => part.split("=")[0] ?? "");
  return { segments, requiredQuery };
}

/**
 * Lowercased segments, with OData key syntax unfolded (`groups('x')` -> `groups`, `x`) and a leading
 * `me` read as `users/<signed-in user>`, because Graph treats both spellings alike. A named key or
 * function parameter (`onlineMeetings(joinWebUrl='...')`, `getEventsFromOrganizers(organizerIds=[...])`)
 * unfolds to the name, `joinweburl=` and the value, so it matches only a template with the same name.
 */
function canonicalSegments(path: string): string[] {
  const segments: string[] = [];
  for (const raw of splitOutsideQuotes(path)) {
    const key = /^([^(]+)\((.*)\)$/.exec(raw);
    const named = key ? /^\s*([A-Za-z_][\w]*)\s*=\s*(.*)$/s.exec(key[2] ?? "") : null;
    if (key && named) {
      segments.push((key[1] ?? "").toLowerCase(), `${(named[1] ?? "").toLowerCase()}=`, unquote((named[2] ?? "").trim()).toLowerCase());
    } else if (key) {
      segments.push((key[1] ?? "").toLowerCase(), unquote(key[2] ?? "").toLowerCase());
    } else {
      segments.push(raw.toLowerCase());
    }
  }
  if (segments[0] === "me") segments.splice(0, 1, "users", SIGNED_IN_USER);
  return segments.filter((segment) => segment.length > 0);
}

/** undefined = no match; otherwise one entry per segment, 1 for a literal match, 0 for a wildcard. */
function scoreMatch(template: readonly string[], segments: readonly string[]): number[] | undefined {
  if (template.length !== segments.length) return undefined;
  const score: number[] = [];
  for (let i = 0; i < template.length; i++) {
    const expected = template[i];
    if (expected === WILDCARD) score.push(0);
    else if (expected === segments[i]) score.push(1);
    else return undefined;
  }
  return score;
}

/** More literal segments win; on a tie, the earlier literal wins (`teams/getAllMessages` over `teams/{id}`). */
function compareScores(a: readonly number[], b: readonly number[]): number {
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  const bySum = sum(a) - sum(b);
  if (bySum !== 0) return bySum;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function splitOutsideQuotes(path: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (const char of path) {
    if (quote) {
      if (char === quote) quote = undefined;
      current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      current += char;
    } else if (char === "/") {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  return value.replace(/^(['"])(.*)\1$/, "$2");
}

function stripSlashes(value: string): string {
  return value.replace(/^\/+/, "").replace(/\/+$/, "");
}

function startsWithMe(template: string): boolean {
  return /^\/?me\//i.test(template);
}

function segmentsOf(path: string): string[] {
  return splitOutsideQuotes(path).map((segment) => segment.toLowerCase());
}

function decodeLeniently(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

/**
 * Every template of the table, compiled once when the module loads: matching runs for each resource in
 * check, diff and create, and compiling the whole table each time was most of validation's cost. Last in
 * the module, so that everything compileTemplate uses is initialised.
 */
const compiledTemplates: ReadonlyMap<string, CompiledTemplate> = new Map(
  ruleTable.flatMap((rule) => rule.paths).map((path) => [path, compileTemplate(path)]),
);
