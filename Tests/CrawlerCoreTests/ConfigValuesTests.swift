// Duration and byte-size syntax used by config files.
import Testing
@testable import CrawlerCore

@Suite struct ConfigValuesTests {
    @Test(arguments: [
        ("250ms", 250), ("90s", 90_000), ("10m", 600_000), ("1h", 3_600_000), ("1d", 86_400_000),
        ("2w", 1_209_600_000), ("1h30m", 5_400_000), (" 5s ", 5_000), ("0s", 0), ("1m30s250ms", 90_250),
    ])
    func durationsParse(text: String, milliseconds: Int) {
        #expect(ConfigDuration.milliseconds(text) == milliseconds)
    }

    @Test(arguments: ["", "10", "10x", "m", "-5s", "1.5h", "10 m", "s10", "10mm", "99999999999999999d", "1h 30m"])
    func badDurationsAreRejected(text: String) {
        #expect(ConfigDuration.milliseconds(text) == nil)
    }

    @Test func wholeSecondsOnly() {
        #expect(ConfigDuration.seconds("90s") == 90)
        #expect(ConfigDuration.seconds("1500ms") == nil)
        #expect(ConfigDuration.seconds("2000ms") == 2)
    }

    @Test func formattingPicksTheLargestExactUnit() {
        #expect(ConfigDuration.format(seconds: 600) == "10m")
        #expect(ConfigDuration.format(seconds: 90) == "90s")
        #expect(ConfigDuration.format(seconds: 5_400) == "90m")
        #expect(ConfigDuration.format(seconds: 86_400) == "1d")
        #expect(ConfigDuration.format(seconds: 0) == "0s")
        #expect(ConfigDuration.format(milliseconds: 250) == "250ms")
        #expect(ConfigDuration.format(milliseconds: 2_000) == "2s")
        for seconds in [1, 59, 61, 3_599, 3_600, 86_399, 90_000] {
            #expect(ConfigDuration.seconds(ConfigDuration.format(seconds: seconds)) == seconds)
        }
    }

    @Test(arguments: [
        ("123", 123), ("10MB", 10_000_000), ("10mb", 10_000_000), ("512KiB", 524_288), ("1 GiB", 1_073_741_824),
        ("1.5MB", 1_500_000), ("2_000", 2_000), ("7B", 7), ("3k", 3_000),
    ])
    func sizesParse(text: String, bytes: Int) {
        #expect(ConfigByteSize.bytes(text) == bytes)
    }

    @Test(arguments: ["", "MB", "ten", "-1MB", "10XB", "1.0000001B", "99999999999999999999GB"])
    func badSizesAreRejected(text: String) {
        #expect(ConfigByteSize.bytes(text) == nil)
    }
}
