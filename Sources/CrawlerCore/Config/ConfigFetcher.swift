// A fetcher configured from the config file, for the CLI's one-off reads (`extract URL`, `parse-feed URL`):
// the same user agent, timeouts, size limits and private-address policy as the crawler itself, so trying a
// URL by hand behaves exactly like the daemon would.
public import Fetch

extension Config {
    /// A libcurl-backed fetcher with this configuration's settings.
    public func makeFetcher() throws(FetcherSetupError) -> Fetcher {
        try Fetcher(settings: FetchSettings(config: self))
    }
}
