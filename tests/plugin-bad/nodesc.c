/* A shared object without yj_plugin_descriptor: not a plugin. */
extern int yj_not_a_plugin(void);

int
yj_not_a_plugin(void)
{
	return 42;
}
