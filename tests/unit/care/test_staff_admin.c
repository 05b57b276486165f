/* Who may administer whom (hm__staff_may_manage): admins everyone; super-users only municipal
 * nurses and super-users, and give only those roles; everyone else nobody. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "care/care_int.h"

static hm_actor actor(const char *role)
{
    hm_actor a = {.account_id = 1, .staff_id = 1, .org_id = 1};
    snprintf(a.role, sizeof a.role, "%s", role);
    return a;
}

static void admin_manages_everyone(void **state)
{
    (void)state;
    hm_actor a = actor("admin");
    const char *roles[] = {"physician", "hospital_nurse", "municipal_nurse", "super_user",
                           "operator", "logistics", "analyst", "admin"};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        assert_int_equal(hm__staff_may_manage(&a, roles[i], NULL, NULL), HM_OK);
        assert_int_equal(hm__staff_may_manage(&a, "municipal_nurse", roles[i], NULL), HM_OK);
    }
}

static void super_user_manages_municipal_staff_only(void **state)
{
    (void)state;
    hm_actor a = actor("super_user");
    hm_err err = {0};
    assert_int_equal(hm__staff_may_manage(&a, "municipal_nurse", NULL, &err), HM_OK);
    assert_int_equal(hm__staff_may_manage(&a, "super_user", "municipal_nurse", &err), HM_OK);
    assert_int_equal(hm__staff_may_manage(&a, "physician", NULL, &err), HM_EFORBIDDEN);
    assert_int_equal(hm__staff_may_manage(&a, "admin", NULL, &err), HM_EFORBIDDEN);
    assert_int_equal(hm__staff_may_manage(&a, "municipal_nurse", "admin", &err), HM_EFORBIDDEN);
    assert_non_null(strstr(err.msg, "municipal_nurse and super_user"));
}

static void others_manage_nobody(void **state)
{
    (void)state;
    const char *roles[] = {"physician", "hospital_nurse", "municipal_nurse", "operator",
                           "logistics", "analyst", "patient"};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        hm_actor a = actor(roles[i]);
        hm_err err = {0};
        assert_int_equal(hm__staff_may_manage(&a, "municipal_nurse", NULL, &err), HM_EFORBIDDEN);
        assert_non_null(strstr(err.msg, "administer staff"));
    }
}

static void roles_known(void **state)
{
    (void)state;
    assert_true(hm__staff_role_known("analyst"));
    assert_false(hm__staff_role_known("patient"));
    assert_false(hm__staff_role_known(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(admin_manages_everyone),
        cmocka_unit_test(super_user_manages_municipal_staff_only),
        cmocka_unit_test(others_manage_nobody),
        cmocka_unit_test(roles_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
