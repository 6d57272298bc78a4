# cmake -DFILE=<elf> [-DREMOVE=ON] -P set-rpath.cmake
# Sets the binary's RPATH to exactly $ORIGIN/lib, in place, or with REMOVE removes it (`make install`:
# an installed binary uses the system's libraries). Exactly: glibc reads an empty entry (a padded ":::")
# as the current directory, and the binary would load libraries from wherever it is started.
cmake_minimum_required(VERSION 3.21)
if(REMOVE)
  file(RPATH_REMOVE FILE "${FILE}")
else()
  file(RPATH_SET FILE "${FILE}" NEW_RPATH "\$ORIGIN/lib")
endif()
