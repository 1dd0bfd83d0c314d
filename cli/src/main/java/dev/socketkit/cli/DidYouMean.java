package dev.socketkit.cli;

import java.util.List;
import java.util.Locale;

/**
 * The "did you mean" of a misspelt key: the known key closest to it by edit distance, ignoring
 * case, when one is at most {@value #MAX_DISTANCE} edits away. Stateless; any thread.
 */
final class DidYouMean {
  /** Keys further than this from every known key get no suggestion. */
  static final int MAX_DISTANCE = 2;

  private DidYouMean() {}

  /**
   * {@code " (did you mean 'K'?)"} for the candidate K closest to {@code key} (the first of
   * equals), or {@code otherwise} when none is within {@value #MAX_DISTANCE} edits.
   */
  static String suggestion(String key, List<String> candidates, String otherwise) {
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    for (String candidate : candidates) {
      int distance = editDistance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best == null ? otherwise : " (did you mean '" + best + "'?)";
  }

  /** Levenshtein's distance: the fewest insertions, deletions and replacements from a to b. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
