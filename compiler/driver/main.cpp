#include <iostream>

#include "driver/driver.hpp"

int main(int argc, char** argv) {
  return stackc::driver::run(argc, argv, std::cout, std::cerr, true);
}
