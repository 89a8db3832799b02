#pragma once
// A small test harness for the Qt-free targets (core, plugins): core must build and test on the CUDA machine,
// which has no Qt. Widget tests use Qt Test. Output follows Qt Test's lines (PASS/FAIL!/SKIP, Totals).
//
// Usage:
//   QAT_TEST(quantizerRoundTrip) { QAT_CHECK_NEAR(x, 1.0, 1e-6); }
//   int main(int argc, char** argv) { return qat::test::runAll(argc, argv); }   // or QAT_TEST_MAIN()
// Test data: qat::test::dataDir() is $QATBENCH_TEST_DATA; a test that needs it and finds it unset is skipped
// with a message (exit code 77 when every test of the executable skipped, which CTest reports as skipped).

#include <cmath>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace qat::test {

struct Failure
{
    std::string message;
};
struct Skip
{
    std::string message;
};

using TestFn = void (*)();
struct Registry
{
    std::vector<std::pair<std::string, TestFn>> tests;
    static Registry& instance()
    {
        static Registry r;
        return r;
    }
};
struct Registrar
{
    Registrar(const char* name, TestFn fn) { Registry::instance().tests.emplace_back(name, fn); }
};

// $QATBENCH_TEST_DATA joined with rel; skips the test when the variable is unset, fails when it is set
// but the path is missing (CI sets it and must run every data test).
std::string dataPath(const std::string& rel);
// A fresh temporary directory, removed at exit.
std::string tempDir();
// Removes a directory tree (use this, not std::filesystem::remove_all: see qat_test.cpp).
void removeTree(const std::string& path);
// Reads a whole file as bytes.
std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& bytes);

int runAll(int argc, char** argv);

template <typename A, typename B>
std::string describe(const A& a, const B& b)
{
    std::ostringstream s;
    s.precision(10);
    s << "actual " << a << ", expected " << b;
    return s.str();
}

} // namespace qat::test

#define QAT_TEST(name)                                                                                       \
    static void name();                                                                                      \
    static ::qat::test::Registrar qat_test_registrar_##name(#name, name);                                    \
    static void name()

#define QAT_TEST_MAIN()                                                                                      \
    int main(int argc, char** argv) { return ::qat::test::runAll(argc, argv); }

#define QAT_FAIL_AT(msg)                                                                                     \
    throw ::qat::test::Failure { std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " + (msg) }

#define QAT_CHECK(cond)                                                                                      \
    do {                                                                                                     \
        if (!(cond)) QAT_FAIL_AT("check failed: " #cond);                                                    \
    } while (0)

#define QAT_CHECK_MSG(cond, msg)                                                                             \
    do {                                                                                                     \
        if (!(cond)) QAT_FAIL_AT(std::string("check failed: " #cond ": ") + (msg));                          \
    } while (0)

#define QAT_CHECK_EQ(a, b)                                                                                   \
    do {                                                                                                     \
        const auto& qat_a_ = (a);                                                                            \
        const auto& qat_b_ = (b);                                                                            \
        if (!(qat_a_ == qat_b_))                                                                             \
            QAT_FAIL_AT(std::string(#a " == " #b ": ") + ::qat::test::describe(qat_a_, qat_b_));            \
    } while (0)

#define QAT_CHECK_NEAR(a, b, tol)                                                                            \
    do {                                                                                                     \
        const double qat_a_ = double(a);                                                                     \
        const double qat_b_ = double(b);                                                                     \
        if (!(std::fabs(qat_a_ - qat_b_) <= double(tol)))                                                    \
            QAT_FAIL_AT(std::string(#a " ~= " #b " within " #tol ": ") + ::qat::test::describe(qat_a_, qat_b_)); \
    } while (0)

// Checks that expr throws a std::exception whose what() contains every given substring.
#define QAT_CHECK_THROWS_WITH(expr, ...)                                                                     \
    do {                                                                                                     \
        bool qat_threw_ = false;                                                                             \
        try {                                                                                                \
            (void)(expr);                                                                                    \
        } catch (const ::qat::test::Failure&) {                                                              \
            throw;                                                                                           \
        } catch (const std::exception& qat_e_) {                                                             \
            qat_threw_ = true;                                                                               \
            const std::string qat_what_ = qat_e_.what();                                                     \
            for (const std::string qat_part_ : {__VA_ARGS__})                                                \
                if (qat_what_.find(qat_part_) == std::string::npos)                                          \
                    QAT_FAIL_AT("message '" + qat_what_ + "' lacks '" + qat_part_ + "'");                    \
        }                                                                                                    \
        if (!qat_threw_) QAT_FAIL_AT("expected an exception from " #expr);                                   \
    } while (0)

#define QAT_SKIP(msg) throw ::qat::test::Skip { msg }
