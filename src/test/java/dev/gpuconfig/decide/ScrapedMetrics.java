package dev.gpuconfig.decide;

import static io.restassured.RestAssured.given;

/** The running service's Prometheus samples, read from /q/metrics as a scraper reads them. */
public final class ScrapedMetrics {

    private ScrapedMetrics() {
    }

    /**
     * The sum of the samples whose line starts with {@code prefix} (a name, with "{" or " " after
     * it, or a name and its first label) and contains each of {@code labels}; 0 when none does.
     */
    public static double sum(String prefix, String... labels) {
        return samples(prefix, labels).sum();
    }

    /** As {@link #sum}, failing the test when no sample matches: for a metric that must be there. */
    public static double required(String prefix, String... labels) {
        return samples(prefix, labels).reduce(Double::sum)
                .orElseThrow(() -> new AssertionError(prefix + " missing from /q/metrics"));
    }

    private static java.util.stream.DoubleStream samples(String prefix, String... labels) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith(prefix) && java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
    }
}
