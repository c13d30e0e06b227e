package dev.gpuconfig.page;

import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RulesCopy;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policy authors' page in a real browser (Debian's chromium and chromium-driver, headless):
 * a shared link shows its model's decision at once, a typed model is decided, the rules in force
 * are shown, and an edit's changes appear after the activation.
 */
@QuarkusTest
@TestProfile(PolicyPageTest.Copy.class)
class PolicyPageTest {
    static final Path DIR = RulesCopy.create();
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static WebDriver browser;

    public static class Copy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gpu.rules.dir", DIR.toString(), "gpu.rules.watch", "false");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void openBrowser() {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "the page is tested in Debian's chromium: apt-get install chromium chromium-driver (.ci/run does)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1600");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private void waitFor(java.util.function.Predicate<WebDriver> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(condition::test);
    }

    private static JsonPath decision(String model) {
        return given().queryParam("model", model).when().get("/v1/gpu-config").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aSharedLinkATypedModelTheRulesAndAnEditsChanges() throws Exception {
        // a shared link shows that decision at once, with its reasons
        String first = "Qwen/Qwen2.5-0.5B-Instruct";
        JsonPath expected = decision(first);
        browser.get(base + "?model=" + first);
        waitFor(b -> b.findElements(By.id("choice")).size() == 1);
        assertEquals(expected.getString("gpu") + " ×" + expected.getInt("gpuCount"), text("choice"));
        assertTrue(text("verdict").contains(first), text("verdict"));
        assertTrue(browser.findElements(By.cssSelector("#fired li")).size() >= 5, "the rules that fired are listed");
        assertTrue(browser.getPageSource().contains("Memory per GPU"));
        waitFor(b -> !b.findElements(By.id("version")).isEmpty());
        assertEquals(RuleFolder.read(DIR).version(), text("version"), "the rules in force");

        // another model typed into the form
        String second = "meta-llama/Llama-3.1-70B-Instruct";
        JsonPath other = decision(second);
        browser.findElement(By.id("model")).clear();
        browser.findElement(By.id("model")).sendKeys(second);
        browser.findElement(By.cssSelector("#ask button")).click();
        waitFor(b -> b.findElement(By.id("verdict")).getText().contains(second));
        assertEquals(other.getString("gpu") + " ×" + other.getInt("gpuCount"), text("choice"));
        assertTrue(browser.getCurrentUrl().contains("model=meta-llama%2FLlama-3.1-70B-Instruct"), browser.getCurrentUrl());
        if (other.getList("excluded") != null && !other.getList("excluded").isEmpty()) {
            assertTrue(!browser.findElements(By.cssSelector("#excluded li")).isEmpty(), "excluded candidates and why");
        }

        // an edit of the rules: its changes appear on the page
        Path table = DIR.resolve("utilization.drl.csv");
        RulesCopy.write(table, RulesCopy.read(table).replace("utilization: tiny,tiny,false,0.90", "utilization: tiny,tiny,false,0.86"));
        given().header("Authorization", "Bearer test-admin-token").when().post("/v1/rules/reload").then().statusCode(200);
        String after = RuleFolder.read(DIR).version();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && !(given().when().get("/v1/rules/changes").statusCode() == 200
                && after.equals(given().when().get("/v1/rules/changes").jsonPath().getString("to")))) {
            Thread.sleep(100);
        }
        browser.navigate().refresh();
        waitFor(b -> !b.findElements(By.className("changedCount")).isEmpty());
        assertTrue(Integer.parseInt(browser.findElement(By.className("changedCount")).getText()) > 0);
        String changes = text("changeList");
        assertTrue(changes.contains(first) && changes.contains("0.86"), changes);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", "policy-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void reportedFailuresAreListedAndAModelShowsWhatItsRulesRemember() throws Exception {
        String model = "microsoft/phi-2";
        String answer = given().queryParam("model", model).when().get("/v1/gpu-config").then().statusCode(200).extract().asString();
        for (int i = 0; i < 2; i++) {
            given().contentType("application/json").body("{\"decision\": " + answer + ", \"error\": \"torch.OutOfMemoryError: CUDA out of memory\"}")
                    .when().post("/v1/oom").then().statusCode(200);
        }
        try {
            String failedGpu = JsonPath.from(answer).getString("gpu");
            browser.get(base.toString());
            waitFor(b -> b.findElement(By.id("failureList")).getText().contains(model));
            String list = text("failureList");
            assertTrue(list.contains("CUDA_OOM") && list.contains(failedGpu), list);

            browser.findElement(By.linkText(model)).click();
            waitFor(b -> !b.findElements(By.id("modelHistory")).isEmpty());
            String remembered = text("modelHistory");
            assertTrue(remembered.contains(failedGpu) && remembered.contains("yes"), "the configuration is avoided: " + remembered);
            assertTrue(!text("choice").startsWith(failedGpu + " "), "the decision moved off " + failedGpu + ": " + text("choice"));
            assertTrue(browser.getPageSource().contains("AVOIDED_AFTER_FAILURES"));
        } finally {
            dev.gpuconfig.store.Forget.everything();
        }
    }
}
