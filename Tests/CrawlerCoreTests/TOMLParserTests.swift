// The config's TOML reader: every value form a config may use, the line recorded for each key and table,
// TOML's rules on defining tables and keys once, and a `line: reason` for each kind of syntax error.
import Testing
@testable import CrawlerCore

@Suite struct TOMLParserTests {
    func parse(_ text: String) throws -> TOMLTable {
        try TOMLParser.parse(text)
    }

    /// The error `text` gives; fails the test when it parses.
    func syntaxError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLSyntaxError? {
        do {
            _ = try TOMLParser.parse(text)
            Issue.record("parsed without error: \(text)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Values

    @Test func stringsInEveryForm() throws {
        let root = try parse(#"""
            basic = "tab\there \"quoted\" back\\slash \u00E9\U0001F600 \b\f\r\n"
            literal = 'C:\path\no escapes "here"'
            empty = ""
            unicode = "Berita terkini — détik"
            multi = """
            first line
              second "with" ""two"" quotes
            """
            joined = """\
                   one \
                   two"""
            ending = """ends with two quotes"""""
            multi_literal = '''
            raw \n stays ''single'' quotes
            '''
            """#)
        #expect(root["basic"]?.string == "tab\there \"quoted\" back\\slash \u{E9}\u{1F600} \u{08}\u{0C}\r\n")
        #expect(root["literal"]?.string == #"C:\path\no escapes "here""#)
        #expect(root["empty"]?.string == "")
        #expect(root["unicode"]?.string == "Berita terkini — détik")
        #expect(root["multi"]?.string == "first line\n  second \"with\" \"\"two\"\" quotes\n")
        #expect(root["joined"]?.string == "one two")
        #expect(root["ending"]?.string == "ends with two quotes\"\"")
        #expect(root["multi_literal"]?.string == "raw \\n stays ''single'' quotes\n")
    }

    @Test func numbersAndBooleans() throws {
        let root = try parse("""
            zero = 0
            plus = +42
            minus = -17
            grouped = 1_000_000
            smallest = -9223372036854775808
            hex = 0xDEAD_beef
            octal = 0o755
            binary = 0b1101
            fraction = 3.25
            negative_fraction = -0.5
            exponent = 5e+22
            both = 6.626e-34
            grouped_fraction = 9_224.617_445
            infinity = -inf
            not_a_number = nan
            yes = true
            no = false
            """)
        #expect(root["zero"]?.integer == 0)
        #expect(root["plus"]?.integer == 42)
        #expect(root["minus"]?.integer == -17)
        #expect(root["grouped"]?.integer == 1_000_000)
        #expect(root["smallest"]?.integer == Int.min)
        #expect(root["hex"]?.integer == 0xDEAD_BEEF)
        #expect(root["octal"]?.integer == 0o755)
        #expect(root["binary"]?.integer == 13)
        #expect(root["fraction"]?.float == 3.25)
        #expect(root["negative_fraction"]?.float == -0.5)
        #expect(root["exponent"]?.float == 5e22)
        #expect(root["both"]?.float == 6.626e-34)
        #expect(root["grouped_fraction"]?.float == 9_224.617_445)
        #expect(root["infinity"]?.float == -.infinity)
        #expect(root["not_a_number"]?.float?.isNaN == true)
        #expect(root["yes"]?.boolean == true)
        #expect(root["no"]?.boolean == false)
        #expect(root["fraction"]?.integer == nil)
        #expect(root["zero"]?.typeDescription == "an integer")
        #expect(root["fraction"]?.typeDescription == "a floating-point number")
    }

    @Test func arraysSpanLinesWithCommentsAndATrailingComma() throws {
        let root = try parse("""
            hosts = [
                "127.0.0.1",  # loopback
                # a whole-line comment
                'localhost',
            ]
            empty = []
            nested = [[1, 2], ["a"], []]
            mixed = [1, "two", true, { three = 3 }]
            after = 1
            """)
        #expect(root["hosts"]?.array?.compactMap(\.string) == ["127.0.0.1", "localhost"])
        #expect(root["empty"]?.array?.isEmpty == true)
        #expect(root["nested"]?.array?.count == 3)
        #expect(root["nested"]?.array?[0].array?.compactMap(\.integer) == [1, 2])
        #expect(root["mixed"]?.array?[3].table?["three"]?.integer == 3)
        #expect(root.line(of: "after") == 9)
    }

    @Test func keysBareQuotedAndDotted() throws {
        let root = try parse("""
            bare-key_1 = 1
            "quoted key" = 2
            'literal key' = 3
            "" = 4
            site . "sub.part" . name = "x"
            site.other = "y"
            inline = { a = 1, b.c = "d", e = { f = [] } }
            """)
        #expect(root["bare-key_1"]?.integer == 1)
        #expect(root["quoted key"]?.integer == 2)
        #expect(root["literal key"]?.integer == 3)
        #expect(root[""]?.integer == 4)
        let site = root["site"]?.table
        #expect(site?["sub.part"]?.table?["name"]?.string == "x")
        #expect(site?["other"]?.string == "y")
        #expect(site?.keys == ["sub.part", "other"])
        let inline = root["inline"]?.table
        #expect(inline?["a"]?.integer == 1)
        #expect(inline?["b"]?.table?["c"]?.string == "d")
        #expect(inline?["e"]?.table?["f"]?.array?.isEmpty == true)
        #expect(root.keys == ["bare-key_1", "quoted key", "literal key", "", "site", "inline"])
    }

    // MARK: Tables and lines

    @Test func arraysOfTablesAndSubTablesRecordTheirLines() throws {
        let root = try parse("""
            # header comment
            spool_dir = "/s"

            [[feeds]]
            name = "a"
            url = "http://a/"

            [feeds.site]
            rule = "x"

            [[feeds]]
            name = "b"
            [sites.detik]
            selector = "div"
            [sites]
            count = 1
            """)
        #expect(root.line == nil)
        #expect(root.line(of: "spool_dir") == 2)
        #expect(root.line(of: "feeds") == 4)
        let feeds = root["feeds"]?.array?.compactMap(\.table) ?? []
        #expect(feeds.count == 2)
        #expect(feeds.map(\.line) == [4, 11])
        #expect(feeds.first?.line(of: "url") == 6)
        #expect(feeds.first?["site"]?.table?.line == 8)
        #expect(feeds.first?["site"]?.table?.line(of: "rule") == 9)
        #expect(feeds.last?["site"] == nil)
        #expect(feeds.last?.line(of: "name") == 12)
        let sites = root["sites"]?.table
        #expect(sites?.line == 15)  // defined by its own header after [sites.detik] created it
        #expect(sites?.line(of: "count") == 16)
        #expect(sites?["detik"]?.table?.line(of: "selector") == 14)
    }

    @Test func linesStayRightAfterMultiLineValuesAndWindowsLineEnds() throws {
        let root = try parse("a = \"\"\"\r\none\r\ntwo\"\"\"\r\nb = [\r\n  1,\r\n  2,\r\n]\r\nc = '''x\ny'''\nd = 4\r\n")
        #expect(root["a"]?.string == "one\ntwo")
        #expect(root.line(of: "b") == 4)
        #expect(root.line(of: "c") == 8)
        #expect(root.line(of: "d") == 10)
    }

    @Test func emptyAndCommentOnlyDocuments() throws {
        #expect(try parse("").keys.isEmpty)
        #expect(try parse("# only a comment\n\n   \t\n").keys.isEmpty)
        #expect(try parse("\u{FEFF}a = 1").line(of: "a") == 1)
    }

    @Test func tenThousandFeedTablesEachWithItsLine() throws {
        var text = "spool_dir = \"/s\"\n"
        for index in 0..<10_000 {
            text += "\n[[feeds]]\nname = \"s\(index)\"\nurl = \"http://site\(index % 1_000).localhost:8080/feed.xml?f=\(index)\"\n"
        }
        let feeds = try parse(text)["feeds"]?.array ?? []
        #expect(feeds.count == 10_000)
        #expect(feeds.last?.table?["name"]?.string == "s9999")
        #expect(feeds.last?.table?.line == 2 + 9_999 * 4 + 1)
        #expect(feeds.last?.table?.line(of: "url") == 2 + 9_999 * 4 + 3)
    }

    @Test func aTableWithManyKeysFindsEachOne() throws {
        // Past 16 keys a table switches to a dictionary index: lookups and duplicate checks must still work.
        let text = (0..<40).map { "key\($0) = \($0)" }.joined(separator: "\n")
        let root = try parse(text)
        #expect((0..<40).allSatisfy { root["key\($0)"]?.integer == $0 && root.line(of: "key\($0)") == $0 + 1 })
        #expect(syntaxError(text + "\nkey3 = 0")?.reason == "duplicate key \"key3\" (first set on line 4)")
    }

    // MARK: Errors

    @Test(arguments: [
        // Duplicates and redefinitions.
        ("a = 1\nb = 2\na = 3", 3, "duplicate key \"a\" (first set on line 1)"),
        ("[t]\nx = 1\n[t]", 3, "[t]: table defined twice (first on line 1)"),
        ("[t.u]\n[t]\n[t]", 3, "[t]: table defined twice (first on line 2)"),
        ("t.u = 1\n[t]", 2, "[t]: table already defined by dotted keys (line 1)"),
        ("t = { u = 1 }\n[t]", 2, "[t]: table already defined as an inline table (line 1)"),
        ("t = { u = 1 }\n[t.v]", 2, "[t.v]: t is already an inline table (line 1)"),
        ("t = 1\n[t.v]", 2, "[t.v]: t is already an integer (line 1)"),
        ("[[t]]\n[t]", 2, "[t]: t is already an array of tables (line 1)"),
        ("t = [1]\n[[t]]", 2, "[[t]]: t is already an array (line 1), not an array of tables"),
        ("[t]\nu = 1\n[s]\n[t.u]", 4, "[t.u]: t.u is already an integer (line 2)"),
        ("[a.b]\n[a]\nb.c = 1", 3, "b.c: b is already a table defined on line 1; dotted keys cannot add to it"),
        ("a = 1\na.b = 2", 2, "a.b: a is already an integer; dotted keys cannot add to it"),
        ("t = { a.b = 1, a = 2 }", 1, "duplicate key \"a\" (first set on line 1)"),
        ("t = { u = { v = 1 }, u.w = 2 }", 1, "u.w: u is already a table defined on line 1; dotted keys cannot add to it"),
        // Strings.
        ("[[feeds]]\nname = \"a\nurl = \"b\"", 2, "string not closed with '\"' on its line (use \"\"\" for a multi-line string)"),
        ("a = 'b\n", 1, "string not closed with \"'\" on its line (use ''' for a multi-line string)"),
        ("a = \"b", 1, "string not closed with '\"'"),
        ("x = 1\na = \"\"\"\nnever\nclosed", 2, "multi-line string not closed with \"\"\""),
        ("a = '''\nnever", 1, "multi-line string not closed with '''"),
        ("a = \"\\q\"", 1, "invalid escape sequence \\q (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)"),
        ("a = \"\\u12\"", 1, "\\u must be followed by 4 hex digits"),
        ("a = \"\\uD800\"", 1, "\\uD800 is not a Unicode scalar value"),
        ("a = \"bell\u{07}\"", 1, "control character U+0007 in a string (write it as an escape in a \"...\" string)"),
        ("# comment \u{7F}", 1, "control character U+007F in a comment"),
        ("a = \"\"\"x\"\"\"\"\"\"", 1, "too many quotes at the end of a multi-line string"),
        ("\"\"\"a\"\"\" = 1", 1, "a key cannot be a multi-line string"),
        // Numbers, booleans and unsupported values.
        ("a = 012", 1, "012 is not a valid TOML number, or is outside the 64-bit range"),
        ("a = 1__0", 1, "1__0 is not a valid TOML number, or is outside the 64-bit range"),
        ("a = _1", 1, "expected a value, found _1 (strings need quotes)"),
        ("a = 1_", 1, "1_ is not a valid TOML number, or is outside the 64-bit range"),
        ("a = 9223372036854775808", 1, "9223372036854775808 is not a valid TOML number, or is outside the 64-bit range"),
        ("a = +0x10", 1, "+0x10 is not a valid TOML number, or is outside the 64-bit range"),
        ("a = 0b102", 1, "0b102 is not a valid TOML number, or is outside the 64-bit range"),
        ("a = 1.", 1, "1. is not a valid TOML number, or is outside the 64-bit range"),
        ("a = .5", 1, ".5 is not a valid TOML number, or is outside the 64-bit range"),
        ("a = 1e", 1, "1e is not a valid TOML number, or is outside the 64-bit range"),
        ("a = 1e999", 1, "1e999 is not a valid TOML number, or is outside the 64-bit range"),
        ("a = True", 1, "expected a value, found True (strings need quotes)"),
        ("a = ten minutes", 1, "expected a value, found ten (strings need quotes)"),
        ("a = 1979-05-27", 1, "1979-05-27: dates and times are not supported in a feedcrawler config (write them as strings)"),
        ("a = 1979-05-27T07:32:00Z", 1, "1979-05-27T07:32:00Z: dates and times are not supported in a feedcrawler config (write them as strings)"),
        ("a = 07:32:00", 1, "07:32:00: dates and times are not supported in a feedcrawler config (write them as strings)"),
        // Structure.
        ("spool_dir = \"x\"\n[[feeds]\nname = \"a\"", 2, "expected ']]' to close the array-of-tables header [[feeds]], found the end of the line"),
        ("[table", 1, "expected ']' to close the table header [table], found the end of the file"),
        ("[]", 1, "expected a key, found ']'"),
        ("this is not toml = = =", 1, "expected '=' after the key \"this\", found 'i'"),
        ("a =", 1, "expected a value, found the end of the file"),
        ("a =\nb = 1", 1, "expected a value after '=', found the end of the line"),
        ("a = 1 b = 2", 1, "expected the end of the line, found 'b'"),
        ("a = \"x\" \"y\"", 1, "expected the end of the line, found '\"'"),
        ("= 1", 1, "expected a key, found '='"),
        ("é = 1", 1, "expected a key, found 'é'"),
        ("a = 1\r\nb = 2\rc = 3", 2, "a carriage return must be followed by a line feed"),
        ("a = [1, 2\nb = 3", 2, "expected ',' or ']' in the array, found 'b'"),
        ("x = 0\na = [\n1,\n", 2, "array not closed with ']'"),
        ("a = [1,,2]", 1, "expected a value, found ','"),
        ("a = { b = 1, }", 1, "an inline table cannot end with a comma"),
        ("a = { b = 1\n}", 1, "an inline table must be on one line (use a [table] for more)"),
        ("a = { b = 1 c = 2 }", 1, "expected ',' or '}' in the inline table, found 'c'"),
        ("a = { b = 1", 1, "inline table not closed with '}'"),
        ("a = " + String(repeating: "[", count: 33) + String(repeating: "]", count: 33), 1,
         "arrays and inline tables nested more than 32 deep"),
    ] as [(String, Int, String)])
    func syntaxErrorsNameTheirLineAndReason(text: String, line: Int, reason: String) {
        let error = syntaxError(text)
        #expect(error?.line == line, "\(text)")
        #expect(error?.reason == reason, "\(text)")
        #expect(error?.reason.contains("\n") == false)
    }

    @Test func definitionsTomlAllows() throws {
        // A header may complete a table created as a parent, or add a sub-table under dotted keys (TOML 1.0).
        let root = try parse("""
            [a.b]
            x = 1
            [a]
            y = 2
            [c]
            d.e = 1
            d.f = 2
            [c.d.g]
            h = 3
            [[list.of]]
            [[list.of]]
            [list]
            i = 4
            """)
        #expect(root["a"]?.table?["b"]?.table?["x"]?.integer == 1)
        #expect(root["a"]?.table?["y"]?.integer == 2)
        #expect(root["c"]?.table?["d"]?.table?.keys == ["e", "f", "g"])
        #expect(root["list"]?.table?["of"]?.array?.count == 2)
        #expect(root["list"]?.table?["i"]?.integer == 4)
    }
}
