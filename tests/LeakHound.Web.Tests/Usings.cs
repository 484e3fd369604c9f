global using Xunit;
global using LeakHound.Reporting.Tests;
