# The CUDA backend (core/src/backend/cuda), compiled into gpuq_core when nvcc is found
# (GPUQ_WITH_CUDA=AUTO, the default) or required (ON). The CPU backend is always built; which one
# runs is chosen at run time (GPUQ_DEVICE=auto|cpu|cuda), so a CUDA build still runs on machines
# without a GPU. The runtime is linked statically: the binaries need only the driver.
if(GPUQ_WITH_CUDA STREQUAL "OFF")
  message(STATUS "gpuq: CUDA backend off (GPUQ_WITH_CUDA=OFF)")
  return()
endif()

include(CheckLanguage)
check_language(CUDA)
if(NOT CMAKE_CUDA_COMPILER)
  if(GPUQ_WITH_CUDA STREQUAL "ON")
    message(FATAL_ERROR "gpuq: GPUQ_WITH_CUDA=ON but nvcc was not found (set CMAKE_CUDA_COMPILER)")
  endif()
  message(STATUS "gpuq: nvcc not found: CPU backend only")
  return()
endif()

if(CCACHE_PROGRAM)
  set(CMAKE_CUDA_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)
message(STATUS "gpuq: CUDA backend with nvcc ${CMAKE_CUDA_COMPILER_VERSION}")

# H100/H200 machine code (sm_90a also allows wgmma/setmaxnreg later) plus compute_90 PTX, which
# the driver compiles for newer GPUs. Each target costs a full device compile: keep the list short.
set(GPUQ_CUDA_GENCODE "-gencode=arch=compute_90a,code=sm_90a;-gencode=arch=compute_90,code=compute_90"
    CACHE STRING "nvcc -gencode flags for the CUDA backend")

file(GLOB GPUQ_CUDA_SOURCES CONFIGURE_DEPENDS core/src/backend/cuda/*.cu core/src/backend/cuda/*.cpp)
add_library(gpuq_cuda OBJECT ${GPUQ_CUDA_SOURCES})
target_include_directories(gpuq_cuda PRIVATE core/src)
# Targets are given as -gencode flags (CMake 3.25 does not know "90a"), so no CUDA_ARCHITECTURES.
set_target_properties(gpuq_cuda gpuq_core PROPERTIES CUDA_ARCHITECTURES OFF)
set_target_properties(gpuq_cuda PROPERTIES CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON
                      POSITION_INDEPENDENT_CODE ON CUDA_RUNTIME_LIBRARY Static)
target_compile_options(gpuq_cuda PRIVATE
  $<$<COMPILE_LANGUAGE:CUDA>:${GPUQ_CUDA_GENCODE} -O3 -lineinfo -Xptxas=-warn-spills>
  $<$<COMPILE_LANGUAGE:CXX>:-O2 -Wall -Wextra -Wno-unused-parameter>)
target_link_libraries(gpuq_cuda PRIVATE CUDA::cudart_static)
target_sources(gpuq_core PRIVATE $<TARGET_OBJECTS:gpuq_cuda>)
target_link_libraries(gpuq_core PUBLIC CUDA::cudart_static)
target_compile_definitions(gpuq_core PRIVATE GPUQ_WITH_CUDA=1)
set(GPUQ_CUDA_BUILT ON)
