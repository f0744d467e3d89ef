package dev.nabla.compiler.diag;

import java.util.Collection;
import java.util.Optional;

/** "did you mean ...?" by edit distance. */
public final class Suggestions {

    private Suggestions() {
    }

    /** The closest candidate, if it is close enough to be a plausible typo of {@code name}. */
    public static Optional<String> closest(String name, Collection<String> candidates) {
        // One- and two-letter names are all within one edit of each other: suggesting one of them is noise.
        int allowed = name.length() <= 2 ? 0 : Math.max(1, Math.min(3, name.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name, c, allowed);
            if (d < bestDistance || (d == bestDistance && best != null && betterTie(name, c, best))) {
                best = c;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= allowed && !best.equals(name) ? Optional.of(best) : Optional.empty();
    }

    /** Between equally distant candidates, the one sharing a longer prefix with the name (unit: units, not init). */
    private static boolean betterTie(String name, String candidate, String best) {
        int pc = commonPrefix(name, candidate);
        int pb = commonPrefix(name, best);
        return pc > pb || (pc == pb && candidate.compareTo(best) < 0);
    }

    private static int commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return n;
    }

    /** " (did you mean 'x'?)" or "". */
    public static String didYouMean(String name, Collection<String> candidates) {
        return closest(name, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    /**
     * Optimal string alignment distance (insertions, deletions, substitutions and adjacent swaps cost 1), or
     * {@code max + 1} when it is larger than {@code max}. Only the band of cells within {@code max} of the diagonal is
     * computed, so a 100,000-character identifier costs a few rows of ints and linear time, not an n-by-m matrix.
     */
    public static int distance(String a, String b, int max) {
        int n = a.length();
        int m = b.length();
        int over = max + 1;
        if (Math.abs(n - m) > max) {
            return over;
        }
        int[] before = new int[m + 2];
        int[] prev = new int[m + 2];
        int[] cur = new int[m + 2];
        for (int j = 0; j <= Math.min(m, max); j++) {
            prev[j] = j;
        }
        prev[Math.min(m, max) + 1] = over;
        for (int i = 1; i <= n; i++) {
            int lo = Math.max(1, i - max);
            int hi = Math.min(m, i + max);
            cur[lo - 1] = lo == 1 && i <= max ? i : over;
            int rowMin = cur[lo - 1];
            for (int j = lo; j <= hi; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int d = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d = Math.min(d, before[j - 2] + 1);
                }
                cur[j] = Math.min(d, over);
                rowMin = Math.min(rowMin, cur[j]);
            }
            cur[hi + 1] = over;
            if (rowMin >= over) {
                return over;
            }
            int[] t = before;
            before = prev;
            prev = cur;
            cur = t;
        }
        return prev[m];
    }
}
