// AMQP-style topic patterns, part of the transport port's contract: dot-separated words, `*` for exactly one word, `#` for zero or more.

/** A pattern split into words once, at subscribe time. */
export type TopicPattern = readonly string[];

/** Splits a pattern or topic into its words. */
export function compileTopicPattern(pattern: string): TopicPattern {
  return pattern.split('.');
}

/**
 * True when `topic` matches `pattern` (as RabbitMQ's topic exchange decides).
 * @example matchesTopic(compileTopicPattern('order.#'), 'order.line.added') // true
 */
export function matchesTopic(pattern: TopicPattern, topic: string): boolean {
  const words = topic.split('.');
  // reachable[j]: the pattern prefix read so far can consume exactly the first j words.
  let reachable: boolean[] = words.map(() => false).concat(false);
  reachable[0] = true;
  for (const part of pattern) {
    const next: boolean[] = reachable.map(() => false);
    for (let j = 0; j <= words.length; j += 1) {
      if (!reachable[j]) continue;
      if (part === '#') {
        for (let k = j; k <= words.length; k += 1) next[k] = true;
        break;
      }
      if (j < words.length && (part === '*' || part === words[j])) next[j + 1] = true;
    }
    reachable = next;
  }
  return reachable[words.length] === true;
}
