import type { Cloud } from "../vocabulary";

export interface CloudEndpoints {
  /** Graph root, without version. */
  graph: string;
  /** Microsoft Entra ID sign-in authority. */
  authority: string;
  displayName: string;
}

/**
 * Source: https://learn.microsoft.com/en-us/graph/deployments (page dated 2025-01-30).
 * Tokens from one cloud are not accepted by another, so endpoint and authority always travel together.
 */
export const cloudEndpoints = {
  global: { graph: "https://graph.microsoft.com", authority: "https://login.microsoftonline.com", displayName: "Global service" },
  "usgov-l4": { graph: "https://graph.microsoft.us", authority: "https://login.microsoftonline.us", displayName: "US Government L4" },
  "usgov-l5": { graph: "https://dod-graph.microsoft.us", authority: "https://login.microsoftonline.us", displayName: "US Government L5 (DOD)" },
  china: { graph: "https://microsoftgraph.chinacloudapi.cn", authority: "https://login.chinacloudapi.cn", displayName: "China operated by 21Vianet" },
} as const satisfies Record<Cloud, CloudEndpoints>;

const microsoftAuthorities: readonly string[] = Object.values(cloudEndpoints).map((c) => new URL(c.authority).host);
const microsoftGraphHosts: readonly string[] = Object.values(cloudEndpoints).map((c) => new URL(c.graph).host);

/** Instance discovery asks Microsoft's own metadata service; a private or local authority cannot answer it. */
export function isMicrosoftAuthority(authorityHost: string): boolean {
  return microsoftAuthorities.includes(new URL(authorityHost).host);
}

export function isMicrosoftGraphHost(endpoint: string): boolean {
  return microsoftGraphHosts.includes(new URL(endpoint).host);
}
