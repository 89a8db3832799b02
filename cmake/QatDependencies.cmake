# Dependencies. Qt is optional: without it (or with QATBENCH_BUILD_GUI=OFF) core, plugins, qatbench-cli
# and the core tests still build, which is how the CUDA machine builds.
find_package(Torch REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Threads REQUIRED)

# Torch's CMake adds its own flags (-D_GLIBCXX_USE_CXX11_ABI, ...) through TORCH_CXX_FLAGS.
set(CMAKE_CXX_FLAGS "${CMAKE_CXX_FLAGS} ${TORCH_CXX_FLAGS}")

# Does this LibTorch carry CUDA?
set(_qat_cuda OFF)
if(TARGET torch_cuda OR TARGET c10_cuda OR "${TORCH_LIBRARIES}" MATCHES "cuda")
    set(_qat_cuda ON)
endif()
option(QATBENCH_CUDA "LibTorch has CUDA" ${_qat_cuda})
include(QatCuda) # the fused quantizer's kernels: nvcc, CUDA architectures

# SentencePiece models are read by core/model/sentencepiece.cpp itself: Debian's libsentencepiece carries its own
# protobuf symbols, which clash with LibTorch's libprotobuf and crash at load time (seen with Debian 12's
# libsentencepiece0 0.1.97 + libtorch 1.13.1). The fixtures made with the sentencepiece library check our reader.

# Torch as one interface target with SYSTEM includes, so -Wall stays about our code.
add_library(qat_torch INTERFACE)
target_link_libraries(qat_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(qat_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})

find_package(Qt6 6.4 QUIET COMPONENTS Widgets PrintSupport Test LinguistTools Concurrent)
set(_qat_gui_default OFF)
if(Qt6_FOUND)
    set(_qat_gui_default ON)
endif()
option(QATBENCH_BUILD_GUI "Build the Qt GUI (libqatui, qatbench)" ${_qat_gui_default})
if(QATBENCH_BUILD_GUI)
    find_package(Qt6 6.4 REQUIRED COMPONENTS Widgets PrintSupport Test LinguistTools Concurrent)
    find_package(QCustomPlotQt6 REQUIRED) # after Qt6; plain QCustomPlot would find the Qt5 build
endif()
