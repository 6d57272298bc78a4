# cmake -DFILE=<elf> -P set-rpath.cmake
# Rewrites the binary's RPATH to exactly $ORIGIN/lib, in place. The build RPATH CMake writes is padded with
# empty entries (":::") to leave room for install-time edits, and glibc reads an empty entry as the current
# directory: left in, the bundled binary would load libraries from whatever directory it is started in.
cmake_minimum_required(VERSION 3.21)
file(RPATH_SET FILE "${FILE}" NEW_RPATH "\$ORIGIN/lib")
