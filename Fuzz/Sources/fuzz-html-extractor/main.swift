// libFuzzer drives this executable. SwiftPM gives every executable its own `main` (it renames the symbol so
// tests can link the module), so libFuzzer's `main` is never used: main.swift hands control to libFuzzer's
// documented entry point `LLVMFuzzerRunDriver` instead. `LLVMFuzzerTestOneInput` must exist too (libFuzzer's
// archive refers to it); both point at `fuzzOne`. Built only with FEEDCRAWLER_FUZZ=1 and
// `-Xswiftc -sanitize=fuzzer,address` (Scripts/fuzz).
import Glibc

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

var argumentCount = CommandLine.argc
var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argumentCount, &arguments) { data, size in
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
})
