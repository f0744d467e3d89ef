package dev.nabla.compiler.diag;

import java.util.Collection;
import java.util.Optional;

/** "did you mean ...?" by edit distance. */
public final class Suggestions {

    private Suggestions() {
    }

    /** The closest candidate, if it is close enough to be a plausible typo of {@code name}. */
    public static Optional<String> closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name, c);
            if (d < bestDistance || (d == bestDistance && best != null && betterTie(name, c, best))) {
                best = c;
                bestDistance = d;
            }
        }
        // One- and two-letter names are all within one edit of each other: suggesting one of them is noise.
        int allowed = name.length() <= 2 ? 0 : Math.max(1, Math.min(3, name.length() / 3));
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

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
