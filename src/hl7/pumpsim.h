/* pumpsim.h: entry point of `heime pumpsim`, the infusion-pump traffic simulator (pumpsim.c). */
#ifndef HM_HL7_PUMPSIM_H
#define HM_HL7_PUMPSIM_H

/* Runs the simulator with a subcommand's argc/argv (argv[0] is "pumpsim"). Returns 0 on
 * success, 1 when nothing was acknowledged or threads could not start, 2 on bad arguments. */
int hm_pumpsim_main(int argc, char **argv);

#endif
