/* A stand-in for Windows' bcryptprimitives.dll, for running our Windows test programs under Wine 8.
 *
 * Rust's standard library on Windows takes its random numbers from ProcessPrng in bcryptprimitives.dll (Windows 10
 * and later). Wine 8 has no such DLL, so every Rust program exits at start-up with status 53 before printing
 * anything. This DLL exports ProcessPrng and forwards to RtlGenRandom (advapi32's SystemFunction036), which Wine
 * has. It is only ever put into the private Wine prefix of scripts/windows/wine-runner.sh, never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
