# Per-target warnings and sanitizers (never global flags).
function(fini_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor -Wold-style-cast
    # GCC 12 raises false -Wrestrict inside std::string at -O2/-O3 (GCC bug 105329).
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>
    $<$<BOOL:${FINI_WERROR}>:-Werror>)
endfunction()

function(fini_enable_sanitizers target)
  if(FINI_FUZZ)  # coverage instrumentation for libFuzzer in every library it links
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  elseif(FINI_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# fini_target(name) = warnings + sanitizers for one of our targets.
function(fini_target target)
  fini_set_warnings(${target})
  fini_enable_sanitizers(${target})
endfunction()

# fini_module(<name> <dir> [SUBDIRS ...] [DEPS ...]): a static library from <dir>/*.cpp and
# <dir>/<subdir>/*.cpp for each SUBDIRS (headers beside them; platform/ uses it to pick one OS).
# Globbing keeps "add a file" a one-step change; CONFIGURE_DEPENDS re-globs on build.
function(fini_module name dir)
  cmake_parse_arguments(M "" "" "DEPS;SUBDIRS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cpp)
  foreach(sub ${M_SUBDIRS})
    file(GLOB sub_srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/${sub}/*.cpp)
    list(APPEND srcs ${sub_srcs})
  endforeach()
  list(FILTER srcs EXCLUDE REGEX ".*/main\\.cpp$")
  if(NOT srcs)  # a module still being written: headers only
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR}/server)
    target_link_libraries(${name} INTERFACE ${M_DEPS})
    return()
  endif()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/server)
  target_link_libraries(${name} PUBLIC ${M_DEPS})
  fini_target(${name})
endfunction()
