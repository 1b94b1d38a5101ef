package io.flowmesh.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium for Web UI tests: Debian's {@code chromium} driven through Debian's
 * {@code chromedriver} (same version, so Selenium Manager never downloads anything). Installs both
 * with {@code apt-get} when they are missing, and fails with what to do when it cannot. Each
 * instance uses a fresh profile directory; {@link #close()} quits the browser and its driver.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Installs chromium and chromium-driver from Debian if either is missing. */
    static void ensureInstalled() throws IOException, InterruptedException {
        if (Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER)) {
            return;
        }
        StringBuilder log = new StringBuilder();
        int code = run(log, "apt-get", "install", "-y", "chromium", "chromium-driver");
        if (code != 0) {
            run(log, "apt-get", "update");
            code = run(log, "apt-get", "install", "-y", "chromium", "chromium-driver");
        }
        if (code != 0 || !Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("The Web UI test needs Debian's chromium and chromium-driver (" + BROWSER + ", " + DRIVER
                    + ") and could not install them with `apt-get install -y chromium chromium-driver` (exit " + code
                    + "; it needs root and a reachable Debian mirror). Install them and run again. apt-get said:\n" + log);
        }
    }

    private static int run(StringBuilder log, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        String text = new String(out, StandardCharsets.UTF_8);
        log.append("$ ").append(String.join(" ", command)).append('\n').append(text, Math.max(0, text.length() - 4000), text.length());
        return p.exitValue();
    }

    /** Starts a headless browser with a fresh profile under {@code profileDir}. */
    static HeadlessChromium start(Path profileDir) throws IOException, InterruptedException {
        ensureInstalled();
        Files.createDirectories(profileDir);
        Path profile = Files.createTempDirectory(profileDir, "profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort()
                .withLogFile(profileDir.resolve("chromedriver.log").toFile()).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
        return new HeadlessChromium(driver);
    }

    /** Saves a PNG of the current page at {@code file}. */
    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
