# Installing the library as users expect one (DESIGN §11): headers, the
# static library, a CMake package (find_package(sandbox) -> sandbox::sandbox)
# and sandbox.pc; and a Debian package through CPack (cpack -G DEB).
# Included from the top-level CMakeLists.txt after sandbox_lib exists.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS sandbox_lib EXPORT sandboxTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/sandbox DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/generated/include/sandbox/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sandbox)
install(EXPORT sandboxTargets NAMESPACE sandbox:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sandbox)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/sandboxConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/sandboxConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sandbox)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sandboxConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sandboxConfig.cmake ${PROJECT_BINARY_DIR}/sandboxConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sandbox)

# sandbox.pc: the archive needs libseccomp, so it is Required (not .private):
# `pkg-config --libs sandbox` is enough to link. Relocatable (${pcfiledir}):
# the same file serves `cmake --install --prefix` and the Debian package.
file(RELATIVE_PATH SANDBOX_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
set(SANDBOX_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
set(SANDBOX_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/sandbox.pc.in ${PROJECT_BINARY_DIR}/sandbox.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/sandbox.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The Debian package (Debian 12): the static-PIE command, the profiles, the
# man page, and the library for embedders. The command links libseccomp's
# archive and loads libnftables only for --net=filtered; slirp4netns runs
# for --net=filtered and Xephyr for -X.
set(CPACK_PACKAGE_NAME sandbox)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "sandbox maintainers <sandbox@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "run a program with no ambient authority (namespaces, Landlock, seccomp)")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# glibc's shared libraries serve getpwuid (NSS) and dlopen of the static PIE.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.36)")
if(NOT SECCOMP_ARCHIVE)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libseccomp2 (>= 2.5)")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libnftables1 (>= 1.0.6), slirp4netns")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "xserver-xephyr, matchbox-window-manager, libseccomp-dev, pkg-config")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/sandbox/sandbox")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)  # the debug info stays in the build tree
include(CPack)

# The warm pool's systemd user units (DESIGN §14): socket activation of
# `sandbox --serve`, the path of the installed binary written in.
configure_file(${PROJECT_SOURCE_DIR}/packaging/systemd/sandbox-pool.service.in
               ${PROJECT_BINARY_DIR}/packaging/sandbox-pool.service @ONLY)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/sandbox-pool.socket
              ${PROJECT_BINARY_DIR}/packaging/sandbox-pool.service
        DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/systemd/user)
