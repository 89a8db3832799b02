# Project-wide options and compiler rails.
option(QATBENCH_BUILD_TESTS "Build the test executables (registered with CTest)" ON)
option(QATBENCH_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer (tests and tools)" OFF)
option(QATBENCH_WERROR "Treat warnings in our code as errors" OFF)

# Warnings for our own targets only (third-party headers are SYSTEM includes).
function(qat_target_defaults target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-missing-field-initializers)
    if(QATBENCH_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    # Qt's 'slots'/'signals'/'emit' collide with LibTorch: use Q_SLOTS/Q_SIGNALS/Q_EMIT everywhere.
    target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS)
endfunction()

if(QATBENCH_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()
