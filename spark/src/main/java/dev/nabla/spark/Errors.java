package dev.nabla.spark;

import dev.nabla.runtime.NablaException;
import org.apache.spark.SparkException;

import java.util.concurrent.Callable;

/**
 * A failed Spark job arrives as a {@link SparkException} that wraps what the task threw, after Spark has retried the
 * task as often as {@code spark.task.maxFailures} allows. When that was a {@link NablaException} (bad data in some
 * row, a model that cannot load), its message is the one to show the user, without Spark's stage and task report:
 * from the cause when Spark kept it, else from Spark's text, which names the exception's class and message.
 */
final class Errors {

    private Errors() {
    }

    static <T> T unwrapped(Callable<T> job) {
        try {
            return job.call();
        } catch (NablaException e) {
            throw e;
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof NablaException n) {
                    throw new NablaException(n.getMessage(), e);
                }
            }
            if (e instanceof SparkException s) {
                String message = s.getMessage() == null ? "" : s.getMessage();
                String marker = NablaException.class.getName() + ": ";
                int at = message.indexOf(marker);
                throw new NablaException(at >= 0 ? firstLine(message.substring(at + marker.length()))
                        : "the Spark job failed: " + firstLine(message), s);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
