// Entry point. Deliberately synchronous (no top-level `await`): valgrind cannot follow Swift's async main, and
// leak checks of the whole binary are worth keeping possible. Async work runs in `Blocking.run`.
FeedcrawlerCommand.runMain()
