print("feedcrawler")
