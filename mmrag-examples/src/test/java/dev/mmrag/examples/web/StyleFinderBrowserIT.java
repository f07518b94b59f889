package dev.mmrag.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mmrag.api.Query;
import dev.mmrag.core.TemplateGenerator;
import dev.mmrag.langchain4j.LangChain4jGenerator;
import dev.mmrag.langchain4j.LlmProvider;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Style Finder's page in a real browser: Debian's headless Chromium driven by Selenium through
 * {@code /usr/bin/chromedriver} (given explicitly, so Selenium Manager never tries to download a driver), against
 * the server on the real mini-clip model and an HNSW index of the bundled catalogue plus one hostile product.
 *
 * <p>No language model runs here: the streaming test points the server's OpenAI generator at a stand-in, a local
 * JDK {@link HttpServer} that speaks OpenAI's chat-completions streaming protocol (server-sent {@code
 * chat.completion.chunk} events, then {@code [DONE]}) and sends a fixed answer in pieces 300 ms apart, so that the
 * page can be seen writing it piece by piece.
 *
 * <p>Screenshots at phone (390 px) and desktop (1280 px) widths go to {@code target/screenshots/}.
 */
class StyleFinderBrowserIT {

    private static final List<String> PIECES = List.of("This ", "orange ", "checked ", "t-shirt ", "is ", "the ",
            "closest ", "match ", "[1].");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static WebFixture fixture;
    private static StyleFinderServer server;
    private static StyleFinderServer llmServer;
    private static HttpServer standIn;
    private static ChromeDriver driver;
    private static Path profile;

    @BeforeAll
    static void start() throws IOException {
        fixture = new WebFixture();
        server = fixture.serve(TemplateGenerator.create(), WebFixture.options().build());
        standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        standIn.createContext("/v1/chat/completions", StyleFinderBrowserIT::streamAnswer);
        standIn.setExecutor(Executors.newFixedThreadPool(2));
        standIn.start();
        llmServer = fixture.serve(LangChain4jGenerator.forProvider(LlmProvider.OPENAI)
                .baseUrl("http://127.0.0.1:" + standIn.getAddress().getPort() + "/v1")
                .apiKey("sk-stand-in-key-never-logged").modelName("stand-in")
                .fallback(TemplateGenerator.create()).build(), WebFixture.options().build());

        profile = Files.createTempDirectory("style-finder-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile,
                "--window-size=1280,1200");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (llmServer != null) {
            llmServer.close();
        }
        if (server != null) {
            server.close();
        }
        if (standIn != null) {
            standIn.stop(0);
        }
        if (fixture != null) {
            assertThat(String.join("\n", fixture.log)).doesNotContain("sk-stand-in-key");
            fixture.close();
        }
        if (profile != null) {
            try (var paths = Files.walk(profile)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void desktop() {
        driver.manage().window().setSize(new Dimension(1280, 1200));
    }

    private static void streamAnswer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String piece : PIECES) {
                ObjectNode chunk = Http.JSON.createObjectNode().put("id", "chatcmpl-1")
                        .put("object", "chat.completion.chunk").put("created", 1).put("model", "stand-in");
                chunk.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", piece);
                out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(300);
            }
            ObjectNode last = Http.JSON.createObjectNode().put("id", "chatcmpl-1")
                    .put("object", "chat.completion.chunk").put("created", 1).put("model", "stand-in");
            last.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
            out.write(("data: " + last + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(50));
    }

    private static void open(StyleFinderServer target) {
        driver.get(target.uri().toString());
        waiting().until(d -> d.findElement(By.id("photo")).isDisplayed());
    }

    private static void upload(Path file) {
        driver.findElement(By.id("photo")).sendKeys(file.toAbsolutePath().toString());
    }

    /** Waits until the search has finished (spinner hidden) and returns the cards. */
    private static List<WebElement> cardsAfterSearch() {
        waiting().until(d -> !d.findElement(By.id("spinner")).isDisplayed()
                && (!d.findElements(By.cssSelector("#results .card")).isEmpty()
                        || d.findElement(By.id("error")).isDisplayed()));
        return driver.findElements(By.cssSelector("#results .card"));
    }

    private static void screenshot(String name) throws IOException {
        Path file = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void uploadingTheQueryPhotoShowsItsProductFirstWithNameLinkAndPhoto() throws Exception {
        open(server);
        String expected = WebFixture.labelledPhoto().get("expected").asText();
        upload(WebFixture.photo(WebFixture.labelledPhoto()));

        List<WebElement> cards = cardsAfterSearch();
        assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
        assertThat(cards).hasSize(StyleFinderServer.DEFAULT_K);
        WebElement first = cards.get(0);
        assertThat(first.getAttribute("data-id")).isEqualTo(expected);
        assertThat(first.findElement(By.cssSelector(".name")).getText()).isEqualTo(fixture.name(expected));
        assertThat(first.findElement(By.cssSelector(".buy")).getAttribute("href"))
                .isEqualTo("https://shop.example/products/" + expected);
        assertThat(first.findElement(By.cssSelector(".price")).getText()).contains("€");
        WebElement photo = first.findElement(By.cssSelector(".photo img"));
        assertThat(photo.getAttribute("alt")).isEqualTo(fixture.name(expected));
        waiting().until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "const i = arguments[0]; return i.complete && i.naturalWidth > 0;", photo));
        WebElement preview = driver.findElement(By.id("preview-img"));
        assertThat(preview.isDisplayed()).isTrue();
        assertThat(preview.getAttribute("src")).startsWith("blob:");
        assertThat(driver.findElement(By.id("answer")).getText()).startsWith("Best matches for your photo:");

        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0);");
        screenshot("style-finder-desktop");

        // the score shows on hover
        WebElement score = first.findElement(By.cssSelector(".score"));
        assertThat(score.getCssValue("opacity")).isEqualTo("0");
        new Actions(driver).moveToElement(first).perform();
        waiting().until(d -> score.getCssValue("opacity").equals("1"));
        assertThat(score.getText()).startsWith("Match score 0.");
        screenshot("style-finder-desktop-hover");

        driver.manage().window().setSize(new Dimension(390, 844));
        waiting().until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return window.innerWidth;")).intValue() <= 400);
        long columns = (Long) ((JavascriptExecutor) driver).executeScript(
                "return getComputedStyle(document.getElementById('results')).gridTemplateColumns.split(' ').length;");
        assertThat(columns).as("two columns of cards on a phone").isEqualTo(2);
        long overflow = (Long) ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow).as("no sideways scrolling on a phone").isLessThanOrEqualTo(0);
        ((JavascriptExecutor) driver).executeScript("document.getElementById('answer-box').scrollIntoView();");
        screenshot("style-finder-phone");
    }

    @Test
    void typingWordsAndPressingEnterChangesTheGrid() throws Exception {
        open(server);
        upload(WebFixture.photo(WebFixture.labelledPhoto()));
        cardsAfterSearch();
        List<String> before = ids();

        driver.findElement(By.id("clear-photo")).sendKeys(Keys.ENTER);
        WebElement text = driver.findElement(By.id("text"));
        text.sendKeys("a blue dress", Keys.ENTER);
        waiting().until(d -> !d.findElement(By.id("spinner")).isDisplayed() && !ids().equals(before));
        List<String> after = ids();
        String top = fixture.rag(TemplateGenerator.create())
                .retrieve(Query.builder().text("a blue dress").topK(StyleFinderServer.DEFAULT_K).build()).get(0).id();
        assertThat(after).isNotEqualTo(before).startsWith(top);
        assertThat(driver.findElement(By.id("answer")).getText()).startsWith("Best matches for \"a blue dress\"");
    }

    @Test
    void theAnswerOfTheModelAppearsPieceByPiece() throws Exception {
        open(llmServer);
        driver.findElement(By.id("text")).sendKeys("an orange checked t-shirt", Keys.ENTER);
        WebElement answer = driver.findElement(By.id("answer"));
        String full = String.join("", PIECES);
        List<String> seen = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            String now = answer.getText();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
                seen.add(now);
            }
            if (now.equals(full.strip())) {
                break;
            }
            Thread.sleep(40);
        }
        assertThat(seen.get(seen.size() - 1)).isEqualTo(full.strip());
        List<String> partial = seen.stream().filter(s -> !s.isEmpty() && !s.equals(full.strip())).toList();
        assertThat(partial).as("texts seen before the answer was complete: %s", seen).hasSizeGreaterThanOrEqualTo(3);
        partial.forEach(s -> assertThat(full).startsWith(s));
        assertThat(driver.findElements(By.cssSelector("#results .card"))).isNotEmpty();
        waiting().until(d -> !d.findElement(By.id("spinner")).isDisplayed());
    }

    @Test
    void aFileThatIsNotAPhotoShowsAReadableError() throws Exception {
        open(server);
        Path notes = Files.createTempFile("notes-", ".jpg");
        try {
            Files.writeString(notes, "these are my shopping notes, not a photo");
            upload(notes);
            waiting().until(d -> d.findElement(By.id("error")).isDisplayed());
            WebElement error = driver.findElement(By.id("error"));
            assertThat(error.getText()).startsWith("The file is not a photo: expected a JPEG, PNG, GIF, BMP or WebP image")
                    .endsWith("(its first bytes are text).").doesNotContain("these are");
            assertThat(error.getAttribute("role")).isEqualTo("alert");
            assertThat(error.getText()).doesNotContain("{").doesNotContain("status");
            assertThat(driver.findElements(By.cssSelector("#results .card"))).isEmpty();
            assertThat(driver.findElement(By.id("spinner")).isDisplayed()).isFalse();
        } finally {
            Files.deleteIfExists(notes);
        }
    }

    @Test
    void markupInTheCatalogueIsShownAsTextAndRunsNothing() throws Exception {
        open(server);
        upload(fixture.imageOf(WebFixture.HOSTILE_TWIN));
        cardsAfterSearch();
        WebElement hostile = driver.findElement(By.cssSelector("#results .card[data-id='" + WebFixture.HOSTILE_ID + "']"));
        assertThat(hostile.findElement(By.cssSelector(".name")).getText()).isEqualTo(WebFixture.HOSTILE_NAME);
        assertThat(hostile.findElement(By.cssSelector(".brand")).getText()).isEqualTo(WebFixture.HOSTILE_BRAND);
        assertThat(hostile.findElements(By.cssSelector("a"))).as("no javascript: link").isEmpty();
        assertThat(driver.findElements(By.cssSelector("img[src='x'], #results script"))).isEmpty();
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(driver.findElement(By.id("answer")).getText()).contains(WebFixture.HOSTILE_NAME);
    }

    @Test
    void everyControlIsLabelledAndReachableByKeyboard() throws Exception {
        open(server);
        @SuppressWarnings("unchecked")
        List<String> unlabelled = (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('input, button')].filter(e => !e.hidden && e.offsetParent !== null)"
                        + ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
                        + " && !(e.tagName === 'BUTTON' && e.textContent.trim())).map(e => e.id);");
        assertThat(unlabelled).isEmpty();

        List<String> focused = new ArrayList<>();
        driver.findElement(By.tagName("body")).click();
        for (int i = 0; i < 6; i++) {
            new Actions(driver).sendKeys(Keys.TAB).perform();
            focused.add(driver.switchTo().activeElement().getAttribute("id"));
        }
        assertThat(focused).containsSubsequence("photo", "text", "max-price", "go");

        // a search started from the keyboard, then the first card's link reached by Tab
        driver.findElement(By.id("text")).sendKeys("a red t-shirt", Keys.ENTER);
        List<WebElement> cards = cardsAfterSearch();
        assertThat(cards).isNotEmpty();
        driver.findElement(By.id("go")).sendKeys(Keys.TAB); // the answer box (a keyboard-scrollable region), then the cards
        for (int i = 0; i < 2 && !"buy".equals(driver.switchTo().activeElement().getAttribute("class")); i++) {
            new Actions(driver).sendKeys(Keys.TAB).perform();
        }
        assertThat(driver.switchTo().activeElement().getAttribute("class")).isEqualTo("buy");
        assertThat(driver.switchTo().activeElement().getAttribute("aria-label")).startsWith("Buy ");
    }

    /** @return the ids of the cards shown, read in one script so that a grid being rebuilt is never half read */
    @SuppressWarnings("unchecked")
    private static List<String> ids() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('#results .card')].map(c => c.dataset.id);");
    }

    @Test
    void aTextThatFindsAVideoMomentShowsItsKeyframeAsALinkToTheVideoAtTheMoment() throws Exception {
        try (VideoWebFixture videos = new VideoWebFixture();
                StyleFinderServer videoServer = videos.serve(WebFixture.options().build())) {
            open(videoServer);
            driver.findElement(By.id("text")).sendKeys("black checked hat", Keys.ENTER);
            cardsAfterSearch();
            WebElement card = driver.findElement(By.cssSelector("#results .card[data-id='" + VideoWebFixture.HAT_VIDEO + "']"));
            assertThat(card.findElement(By.cssSelector(".name")).getText()).isEqualTo("Lookbook clip 1");
            WebElement moment = card.findElement(By.cssSelector("a.moment"));
            String href = moment.getAttribute("href");
            assertThat(href).startsWith(videoServer.uri().resolve("/api/videos/video%3Av01.mp4#t=").toString())
                    .matches(".*#t=\\d+\\.\\d");
            assertThat(moment.findElement(By.cssSelector(".span")).getText()).matches("▶ \\d:\\d\\d-\\d:\\d\\d");
            assertThat(moment.getAttribute("aria-label")).startsWith("Watch Lookbook clip 1 at ");
            WebElement thumbnail = moment.findElement(By.cssSelector("img"));
            assertThat(thumbnail.getAttribute("src")).matches(".*/api/videos/video%3Av01\\.mp4/moments/\\d+/keyframe");
            waiting().until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                    "const i = arguments[0]; return i.complete && i.naturalWidth > 0;", thumbnail));
            // a product card has no moment link
            assertThat(driver.findElements(By.cssSelector("#results .card:not([data-id^='video:']) a.moment"))).isEmpty();
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();", card);
            screenshot("style-finder-video-moment");

            // the link opens the video, which the browser loads and seeks to the moment
            double seconds = Double.parseDouble(href.substring(href.indexOf("#t=") + 3));
            driver.get(href);
            waiting().until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                    "const v = document.querySelector('video'); return !!v && v.readyState >= 1;"));
            double at = ((Number) ((JavascriptExecutor) driver).executeScript(
                    "return document.querySelector('video').currentTime;")).doubleValue();
            assertThat(at).isCloseTo(seconds, org.assertj.core.data.Offset.offset(0.6));
        }
    }
}
