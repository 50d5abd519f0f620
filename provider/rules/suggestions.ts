/** "Did you mean" hints for misspelt input names and resource paths. */
/** Up to `count` candidates nearest to `value` by edit distance, for "did you mean" hints. */
export function closest(value: string, candidates: readonly string[], count: number): string[] {
  const target = value.toLowerCase();
  const limit = Math.max(3, Math.floor(target.length / 2));
  return [...new Set(candidates)]
    .map((candidate) => ({ candidate, compared: candidate.split("?")[0]?.toLowerCase() ?? "" }))
    // An edit distance is at least the difference in length: skip the quadratic work for hopeless pairs,
    // which is what keeps a megabyte of hostile input from taking seconds.
    .filter(({ compared }) => Math.abs(compared.length - target.length) <= limit)
    .map(({ candidate, compared }) => ({ candidate, distance: editDistance(target, compared) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
