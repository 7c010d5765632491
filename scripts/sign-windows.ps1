# Signs one Windows file (the app's exe, the NSIS installer) with the code signing certificate of the release
# workflow. Called by the Tauri bundler through tauri.release.conf.json's signCommand; the certificate comes from
# the WINDOWS_CERTIFICATE secret (a base64 .pfx, written to WINDOWS_CERTIFICATE_FILE) and its password.
param([Parameter(Mandatory = $true)][string]$File)
$ErrorActionPreference = "Stop"
if (-not $env:WINDOWS_CERTIFICATE_FILE) { throw "WINDOWS_CERTIFICATE_FILE is not set" }
$signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
  Sort-Object FullName -Descending | Select-Object -First 1
if (-not $signtool) { throw "signtool.exe not found (Windows SDK)" }
& $signtool.FullName sign /f $env:WINDOWS_CERTIFICATE_FILE /p $env:WINDOWS_CERTIFICATE_PASSWORD `
  /fd sha256 /tr http://timestamp.digicert.com /td sha256 /d "Agent-Check" $File
if ($LASTEXITCODE -ne 0) { throw "signtool failed with $LASTEXITCODE" }
