# The CUDA kernels (docs/GPU.md): the fused quantizer (core/quant/cuda/) and the model's RMSNorm and RoPE
# (core/model/cuda/). Built when LibTorch has CUDA (QATBENCH_CUDA) and a CUDA compiler is found; otherwise
# the quantizer and the model run on the ATen path alone.
# The kernels are built for QATBENCH_CUDA_ARCHITECTURES: by default the build machine's GPUs ("native"), or
# 80;86;89;90 when none is visible (90 also as PTX for newer chips). Not CMAKE_CUDA_ARCHITECTURES: LibTorch 2.x's
# CMake config enables CUDA itself, caches nvcc's default (75) and sets the variable to OFF, which would build
# sm_75 PTX that the driver JIT-compiles at start on newer GPUs.
option(QATBENCH_FUSED_QUANT "Build the fused CUDA quantizer (needs QATBENCH_CUDA and nvcc)" ON)
set(QATBENCH_HAVE_FUSED_QUANT OFF)
if(QATBENCH_CUDA AND QATBENCH_FUSED_QUANT)
    include(CheckLanguage)
    check_language(CUDA)
    if(CMAKE_CUDA_COMPILER)
        set(QATBENCH_CUDA_ARCHITECTURES "" CACHE STRING
            "GPU architectures of the fused quantizer (empty: this machine's GPUs, else 80-real;86-real;89-real;90)")
        set(QATBENCH_CUDA_ARCH ${QATBENCH_CUDA_ARCHITECTURES})
        if(NOT QATBENCH_CUDA_ARCH)
            execute_process(COMMAND nvidia-smi --query-gpu=compute_cap --format=csv,noheader
                            RESULT_VARIABLE _qat_smi OUTPUT_QUIET ERROR_QUIET)
            if(_qat_smi EQUAL 0)
                set(QATBENCH_CUDA_ARCH native)
            else()
                set(QATBENCH_CUDA_ARCH 80-real 86-real 89-real 90)
            endif()
        endif()
        set(CMAKE_CUDA_ARCHITECTURES ${QATBENCH_CUDA_ARCH})
        enable_language(CUDA)
        find_package(CUDAToolkit REQUIRED)
        set(QATBENCH_HAVE_FUSED_QUANT ON)
        message(STATUS "CUDA kernels: fused quantizer, RMSNorm, RoPE and SwiGLU for ${QATBENCH_CUDA_ARCH}")
    else()
        message(STATUS "CUDA kernels: none (no CUDA compiler found; the quantizer runs on the ATen path)")
    endif()
endif()

# Adds the kernels to `target` (qatcore) and defines QATBENCH_HAVE_FUSED_QUANT (the quantizer's) and
# QATBENCH_HAVE_CUDA_KERNELS (all of them) for it and its users.
function(qat_add_cuda_kernels target)
    if(NOT QATBENCH_HAVE_FUSED_QUANT)
        return()
    endif()
    file(GLOB _qat_cu CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/core/quant/cuda/*.cu
                                        ${CMAKE_SOURCE_DIR}/core/model/cuda/*.cu)
    add_library(qatcuda STATIC ${_qat_cu})
    set_target_properties(qatcuda PROPERTIES CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON
                                             POSITION_INDEPENDENT_CODE ON
                                             CUDA_ARCHITECTURES "${QATBENCH_CUDA_ARCH}")
    target_link_libraries(qatcuda PRIVATE CUDA::cudart CUDA::cublas)
    target_link_libraries(${target} PRIVATE qatcuda)
    target_compile_definitions(${target} PUBLIC QATBENCH_HAVE_FUSED_QUANT=1 QATBENCH_HAVE_CUDA_KERNELS=1)
endfunction()
