# The fused quantizer's CUDA kernels (core/quant/cuda/, docs/GPU.md): built when LibTorch has CUDA
# (QATBENCH_CUDA) and a CUDA compiler is found; otherwise the quantizer runs on the ATen path alone.
# CMAKE_CUDA_ARCHITECTURES defaults to the build machine's GPUs ("native"), or to 80;86;89;90 when none is
# visible (90 also as PTX for newer chips). LibTorch 2.x's CMake config sets it to OFF (it uses its own
# TORCH_CUDA_ARCH_LIST); OFF would leave nvcc's default (sm_75 PTX, JIT-compiled at start on newer GPUs),
# so OFF counts as unset here. Give -DCMAKE_CUDA_ARCHITECTURES=... to choose.
option(QATBENCH_FUSED_QUANT "Build the fused CUDA quantizer (needs QATBENCH_CUDA and nvcc)" ON)
set(QATBENCH_HAVE_FUSED_QUANT OFF)
if(QATBENCH_CUDA AND QATBENCH_FUSED_QUANT)
    include(CheckLanguage)
    check_language(CUDA)
    if(CMAKE_CUDA_COMPILER)
        set(_qat_cached_arch "$CACHE{CMAKE_CUDA_ARCHITECTURES}") # the user's -D, under Torch's OFF
        if(NOT CMAKE_CUDA_ARCHITECTURES AND _qat_cached_arch)
            set(CMAKE_CUDA_ARCHITECTURES "${_qat_cached_arch}")
        endif()
        if(NOT CMAKE_CUDA_ARCHITECTURES) # unset, empty or LibTorch's OFF
            execute_process(COMMAND nvidia-smi --query-gpu=compute_cap --format=csv,noheader
                            RESULT_VARIABLE _qat_smi OUTPUT_QUIET ERROR_QUIET)
            if(_qat_smi EQUAL 0)
                set(CMAKE_CUDA_ARCHITECTURES native)
            else()
                set(CMAKE_CUDA_ARCHITECTURES 80-real 86-real 89-real 90)
            endif()
        endif()
        enable_language(CUDA)
        find_package(CUDAToolkit REQUIRED)
        set(QATBENCH_HAVE_FUSED_QUANT ON)
        message(STATUS "CUDA kernels: fused quantizer for ${CMAKE_CUDA_ARCHITECTURES}")
    else()
        message(STATUS "CUDA kernels: none (no CUDA compiler found; the quantizer runs on the ATen path)")
    endif()
endif()

# Adds the kernels to `target` (qatcore) and defines QATBENCH_HAVE_FUSED_QUANT for it and its users.
function(qat_add_fused_quant target)
    if(NOT QATBENCH_HAVE_FUSED_QUANT)
        return()
    endif()
    file(GLOB _qat_cu CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/core/quant/cuda/*.cu)
    add_library(qatcuda STATIC ${_qat_cu})
    set_target_properties(qatcuda PROPERTIES CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON
                                             POSITION_INDEPENDENT_CODE ON)
    target_link_libraries(qatcuda PRIVATE CUDA::cudart CUDA::cublas)
    target_link_libraries(${target} PRIVATE qatcuda)
    target_compile_definitions(${target} PUBLIC QATBENCH_HAVE_FUSED_QUANT=1)
endfunction()
