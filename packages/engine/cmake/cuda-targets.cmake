# Targets that exist only in CUDA builds (included at the end of CMakeLists.txt when
# cmake/cuda.cmake enabled the backend): the CUDA-internal tests (core/tests/cuda/) and the GPU benchmark. The
# interface-level CUDA tests (core/tests/test_cuda_*.cpp) are ordinary tests that skip (77)
# without a device.
if(GPUQ_BUILD_TESTS)
  file(GLOB GPUQ_CUDA_TEST_SOURCES CONFIGURE_DEPENDS core/tests/cuda/test_*.cpp)
  foreach(src ${GPUQ_CUDA_TEST_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_include_directories(${name} PRIVATE core/tests)
    target_link_libraries(${name} PRIVATE gpuq_core CUDA::cudart_static)
    target_compile_definitions(${name} PRIVATE GPUQ_FIXTURES_DIR="${GPUQ_FIXTURES_DIR}")
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77)
  endforeach()
endif()

add_executable(gpuq_cuda_bench core/tools/cuda_bench_main.cpp core/tools/wan_bench.cpp)
target_link_libraries(gpuq_cuda_bench PRIVATE gpuq_core CUDA::cudart_static)
target_compile_options(gpuq_cuda_bench PRIVATE ${GPUQ_OPT_FLAGS})
