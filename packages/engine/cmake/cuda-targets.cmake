# Targets that exist only in CUDA builds (included at the end of CMakeLists.txt when
# cmake/cuda.cmake enabled the backend): the CUDA-internal test and the GPU benchmark. The
# interface-level CUDA tests (core/tests/test_cuda_*.cpp) are ordinary tests that skip (77)
# without a device.
if(GPUQ_BUILD_TESTS)
  add_executable(test_cuda_pool core/tests/cuda/test_cuda_pool.cpp)
  target_include_directories(test_cuda_pool PRIVATE core/tests)
  target_link_libraries(test_cuda_pool PRIVATE gpuq_core CUDA::cudart_static)
  target_compile_definitions(test_cuda_pool PRIVATE GPUQ_FIXTURES_DIR="${GPUQ_FIXTURES_DIR}")
  add_test(NAME test_cuda_pool COMMAND test_cuda_pool)
  set_tests_properties(test_cuda_pool PROPERTIES SKIP_RETURN_CODE 77)
endif()

add_executable(gpuq_cuda_bench core/tools/cuda_bench_main.cpp)
target_link_libraries(gpuq_cuda_bench PRIVATE gpuq_core CUDA::cudart_static)
target_compile_options(gpuq_cuda_bench PRIVATE ${GPUQ_OPT_FLAGS})
